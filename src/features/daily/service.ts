import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Library } from '../../library/library.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/ops/metrics.js';
import type { Store } from '../../lib/store.js';
import type { SettingsService } from '../settings/service.js';
import { quoteCard, type QuoteCard } from './card.js';
import { nextInRotation } from './rotation.js';
import { localDate, nextPostAt, parseSchedule, previousPostAt, type ScheduleInput } from './schedule.js';
import { DailyScheduler, LATE_LIMIT_MS, type DuePost } from './scheduler.js';
import { createDailyStore, type DailySchedule, type LastPost } from './store.js';
import { minuteTicker, type Ticker } from './ticker.js';

/** What the daily post needs from Discord: the bot's is `discordPoster` (src/discord/daily-poster.ts), tests give a fake. */
export interface DailyPoster {
  /** Whether this process (shard) holds the server. */
  holdsGuild(guildId: string): boolean;
  /** Why the bot cannot post in the channel (deleted, permission missing), or undefined when it can. */
  checkChannel(guildId: string, channelId: string, thread: boolean): Promise<string | undefined>;
  /** Sends the post, and starts a thread on it when `post.thread` is set. */
  send(channelId: string, post: DailyPost): Promise<SentPost>;
}

/** One day's post: the quote card, the role it pings (nobody without one), and whether a thread goes with it. */
export interface DailyPost {
  card: QuoteCard;
  roleId?: string;
  thread: boolean;
}

interface SentPost {
  messageId: string;
  /** Why the thread could not be started; the post itself is up. */
  threadFailure?: string;
}

/** A send that failed for a reason that will not pass by itself: the schedule pauses. */
export class PostRefused extends Error {
  override name = 'PostRefused';
}

interface DailyDeps {
  poster: DailyPoster;
  store: Store;
  /** Each server's prompt style. */
  settings: Pick<SettingsService, 'get'>;
  /** Each server's quotes, prompts and articles, read at the moment of each post and preview. */
  library: Library;
  logger: Logger;
  /** Counts posts made, skipped and failed. */
  metrics?: Pick<Metrics, 'dailyPosts'>;
  /** The clock; tests pass a controlled one. */
  now?: () => number;
  /** The minute beat (node-cron's by default); tests pass one they fire by hand. */
  ticker?: Ticker;
}

export interface DailyStatus {
  schedule: DailySchedule;
  /** Absent while paused. */
  next?: Date;
}

export interface DailyPreview {
  card: QuoteCard;
  status?: DailyStatus;
}

export type PostOutcome =
  | { kind: 'posted'; lastPost: LastPost; threadFailure?: string }
  | { kind: 'already'; date: string; lastPost?: LastPost }
  /** It was paused before this attempt. */
  | { kind: 'paused'; reason: string }
  /** This attempt could not post, so the schedule is paused from now on. */
  | { kind: 'refused'; reason: string }
  | { kind: 'unscheduled' };

export type DailyService = ReturnType<typeof createDailyService>;

const RETRY_MS = 5 * 60_000;
// Due posts sent at once when many servers are due in the same minute.
const CONCURRENCY = 8;

/**
 * The daily post of every server this process holds: schedules kept in the store and
 * in one scheduler, posts guarded by a claim per server and local date, and a pause
 * with the reason when a channel or a permission is gone. Nothing here throws out of
 * a tick: one server's failure is logged and the others go on.
 */
export function createDailyService(deps: DailyDeps) {
  const { poster, logger, settings, library } = deps;
  const counted = (result: 'made' | 'skipped' | 'failed') => deps.metrics?.dailyPosts.inc({ result });
  const now = deps.now ?? Date.now;
  const ticker = deps.ticker ?? minuteTicker;
  const daily = createDailyStore(deps.store, logger);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const scheduler = new DailyScheduler({
    onDue: (post) => enqueue(post),
    onSkip: (post, lateMs) => {
      counted('skipped');
      logger.warn({ guildId: post.guildId, dueAt: post.slot.toISOString(), lateMinutes: Math.round(lateMs / 60_000) }, 'daily post skipped: more than 6 hours late');
    },
    onError: (guildId, error) => logger.error({ guildId, err: error }, 'daily schedule failed'),
  });
  let ticking: { stop(): Promise<void> } | undefined;

  // One chain per server, so a post, /daily set and /daily now never interleave.
  const serial = createKeyedQueue();
  const withLock = <T>(guildId: string, work: () => Promise<T>): Promise<T> => serial.run(guildId, work);

  // Due posts wait in a queue so a busy minute sends a few at a time, not thousands at once.
  const queue: DuePost[] = [];
  const inFlight = new Set<Promise<void>>();
  function enqueue(post: DuePost): void {
    queue.push(post);
    pump();
  }
  function pump(): void {
    while (inFlight.size < CONCURRENCY && queue.length > 0) {
      const post = queue.shift()!;
      const job = postScheduled(post).finally(() => {
        inFlight.delete(job);
        pump();
      });
      inFlight.add(job);
    }
  }

  /** Resolves when no post is queued or being sent. */
  async function settled(): Promise<void> {
    while (inFlight.size > 0 || queue.length > 0) await Promise.all([...inFlight]);
  }

  /** One beat of the ticker: takes what is due at `at`; resolves when those posts are done. */
  function tick(at: Date): Promise<void> {
    scheduler.tick(at);
    return settled();
  }

  async function postScheduled(due: DuePost): Promise<void> {
    try {
      const outcome = await post(due.guildId, due.slot);
      if (outcome.kind === 'already') logger.debug({ guildId: due.guildId, date: outcome.date }, 'daily post already made');
    } catch (error) {
      counted('failed');
      const retried = scheduler.has(due.guildId) && scheduler.retry(due.guildId, due.slot, new Date(now() + RETRY_MS));
      logger.error({ guildId: due.guildId, err: error, retry: retried }, 'daily post failed');
    }
  }

  /** The server's next quote with its prompt, from its library as it is now, and the rotation once it is posted. */
  async function nextCard(guildId: string) {
    const shelf = await library.forGuild(guildId);
    const rotation = await daily.getRotation(guildId);
    const pick = nextInRotation(shelf.quotes, rotation, guildId);
    const { prompt_style } = await settings.get(guildId);
    return { card: quoteCard(shelf, pick.quote, prompt_style, `${guildId}:${pick.after.cycle}`), rotation: pick.after };
  }

  async function pause(guildId: string, schedule: DailySchedule, reason: string): Promise<void> {
    scheduler.delete(guildId);
    await daily.saveSchedule(guildId, { ...schedule, pausedReason: reason });
    counted('skipped');
    logger.warn({ guildId, channelId: schedule.channelId, reason }, 'daily post paused');
  }

  /** Makes the post for the local date of `at`, unless that date has one already. */
  function post(guildId: string, at: Date): Promise<PostOutcome> {
    return withLock(guildId, async (): Promise<PostOutcome> => {
      const schedule = await daily.getSchedule(guildId);
      if (!schedule) {
        scheduler.delete(guildId);
        return { kind: 'unscheduled' };
      }
      if (schedule.pausedReason) {
        scheduler.delete(guildId);
        return { kind: 'paused', reason: schedule.pausedReason };
      }
      const date = localDate(at, schedule.timezone);
      if (schedule.lastPost?.date === date) return { kind: 'already', date, lastPost: schedule.lastPost };
      const problem = await poster.checkChannel(guildId, schedule.channelId, schedule.thread);
      if (problem) {
        await pause(guildId, schedule, problem);
        return { kind: 'refused', reason: problem };
      }
      // The guard: written before the post, so no restart or other process posts this date again.
      if (!(await daily.claimPost(guildId, date, owner))) return { kind: 'already', date, lastPost: schedule.lastPost };
      const { card, rotation } = await nextCard(guildId);
      let sent;
      try {
        sent = await poster.send(schedule.channelId, { card, thread: schedule.thread, ...(schedule.roleId ? { roleId: schedule.roleId } : {}) });
      } catch (error) {
        await daily.releasePost(guildId, date, owner).catch((release: unknown) => logger.warn({ guildId, err: release }, 'daily claim not released'));
        if (!(error instanceof PostRefused)) throw error;
        await pause(guildId, schedule, error.message);
        return { kind: 'refused', reason: error.message };
      }
      const lastPost: LastPost = { messageId: sent.messageId, channelId: schedule.channelId, date, at: new Date(now()).toISOString(), quoteId: card.quote.id, owner };
      await daily.saveSchedule(guildId, { ...schedule, lastPost });
      await daily.saveRotation(guildId, rotation);
      await releaseOldClaim(guildId, schedule.lastPost, date);
      if (sent.threadFailure) logger.warn({ guildId, reason: sent.threadFailure }, 'daily post thread not started');
      counted('made');
      logger.info({ guildId, channelId: schedule.channelId, date, quote: card.quote.id, prompt: card.prompt.number }, 'daily post sent');
      return { kind: 'posted', lastPost, ...(sent.threadFailure ? { threadFailure: sent.threadFailure } : {}) };
    });
  }

  // A date's claim is only contested within 6 hours of its post; older ones are given
  // back so the claims table does not grow by one row per server per day forever.
  async function releaseOldClaim(guildId: string, previous: LastPost | undefined, date: string): Promise<void> {
    if (!previous?.owner || previous.date >= date || Date.parse(previous.at) + LATE_LIMIT_MS >= now()) return;
    await daily.releasePost(guildId, previous.date, previous.owner).catch((error: unknown) => logger.warn({ guildId, err: error }, 'old daily claim not released'));
  }

  /**
   * Puts a stored schedule in the scheduler. A post missed since it was set (the bot
   * was down) is due at once when less than 6 hours late; an older one is logged and
   * skipped. True when a missed post is to be caught up.
   */
  function hold(guildId: string, schedule: DailySchedule, at: number): boolean {
    const missed = previousPostAt(schedule, at);
    if (missed && +missed >= Date.parse(schedule.setAt) && schedule.lastPost?.date !== localDate(missed, schedule.timezone)) {
      if (at - +missed <= LATE_LIMIT_MS) {
        scheduler.set(guildId, schedule, at, missed);
        return true;
      }
      counted('skipped');
      logger.warn({ guildId, dueAt: missed.toISOString(), lateMinutes: Math.round((at - +missed) / 60_000) }, 'daily post skipped: more than 6 hours late');
    }
    scheduler.set(guildId, schedule, at);
    return false;
  }

  function statusOf(schedule: DailySchedule, guildId: string): DailyStatus {
    if (schedule.pausedReason) return { schedule };
    return { schedule, next: scheduler.nextDue(guildId) ?? nextPostAt(schedule, now()) };
  }

  return {
    /** Loads the schedules of the servers this process holds, catches up recent misses, starts the ticker. */
    async start(): Promise<void> {
      const at = now();
      let loaded = 0;
      let catchUps = 0;
      for await (const [guildId, schedule] of daily.allSchedules()) {
        if (!poster.holdsGuild(guildId) || schedule.pausedReason) continue;
        try {
          if (hold(guildId, schedule, at)) catchUps += 1;
          loaded += 1;
        } catch (error) {
          // One bad record (say, a timezone this Node no longer knows) must not stop the others.
          logger.error({ guildId, err: error }, 'daily schedule not loaded');
        }
      }
      logger.info({ schedules: loaded, catchUps }, 'daily posts scheduled');
      scheduler.tick(at);
      ticking ??= ticker(tick);
    },

    /** A server that joins (or comes back) after start-up: its schedule, if it has one, is held from now on. */
    async loadGuild(guildId: string): Promise<void> {
      if (scheduler.has(guildId)) return;
      const schedule = await daily.getSchedule(guildId);
      if (!schedule || schedule.pausedReason) return;
      const at = now();
      hold(guildId, schedule, at);
      scheduler.tick(at);
    },

    /** Stops the ticker and waits for the posts being sent; queued ones are left for the next start's catch-up. */
    async stop(): Promise<void> {
      await ticking?.stop();
      ticking = undefined;
      queue.length = 0;
      await settled();
    },

    /** Reads what `/daily set` was given; throws a UserError naming the mistake. */
    parseSchedule,

    /** Saves the schedule (resuming a paused one) and holds it from now on. */
    set(guildId: string, input: ScheduleInput): Promise<DailyStatus> {
      return withLock(guildId, async () => {
        const existing = await daily.getSchedule(guildId);
        const schedule: DailySchedule = {
          channelId: input.channelId,
          time: input.time,
          timezone: input.timezone,
          days: input.days,
          thread: input.thread,
          ...(input.roleId ? { roleId: input.roleId } : {}),
          setAt: new Date(now()).toISOString(),
          ...(existing?.lastPost ? { lastPost: existing.lastPost } : {}),
        };
        await daily.saveSchedule(guildId, schedule);
        scheduler.set(guildId, schedule, now());
        logger.info({ guildId, channelId: schedule.channelId, time: schedule.time, timezone: schedule.timezone, days: schedule.days }, 'daily post set');
        return statusOf(schedule, guildId);
      });
    },

    /** Stops the daily post; false when there was none. The rotation is kept for a later /daily set. */
    off(guildId: string): Promise<boolean> {
      return withLock(guildId, async () => {
        scheduler.delete(guildId);
        const existing = await daily.getSchedule(guildId);
        if (!existing) return false;
        await daily.deleteSchedule(guildId);
        return true;
      });
    },

    /** The channel of a schedule was deleted: pause at once, so /daily status says why before the next post fails. */
    channelDeleted(guildId: string, channelId: string): Promise<void> {
      return withLock(guildId, async () => {
        const schedule = await daily.getSchedule(guildId);
        if (!schedule || schedule.channelId !== channelId || schedule.pausedReason) return;
        await pause(guildId, schedule, `The channel <#${channelId}> was deleted.`);
      });
    },

    async status(guildId: string): Promise<DailyStatus | undefined> {
      const schedule = await daily.getSchedule(guildId);
      return schedule ? statusOf(schedule, guildId) : undefined;
    },

    /** The card of the next post, as it will be posted. */
    async preview(guildId: string): Promise<DailyPreview> {
      const schedule = await daily.getSchedule(guildId);
      const { card } = await nextCard(guildId);
      return { card, ...(schedule ? { status: statusOf(schedule, guildId) } : {}) };
    },

    /** `/daily now`: today's post at once; it counts as today's, so the scheduled one is not made. */
    postNow(guildId: string): Promise<PostOutcome> {
      return post(guildId, new Date(now()));
    },

    /** The bot left the server: its schedule, rotation and guard go. */
    forgetGuild(guildId: string): Promise<void> {
      return withLock(guildId, async () => {
        scheduler.delete(guildId);
        await daily.forgetGuild(guildId);
      });
    },
  };
}
