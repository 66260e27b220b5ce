import { randomBytes } from 'node:crypto';
import { messageLink } from 'discord.js';
import { hostname } from 'node:os';
import type { Corpus } from '../../library/corpus.js';
import { UserError } from '../../lib/errors.js';
import { checkArticleId } from '../passage/service.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/ops/metrics.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { SettingsStore } from '../settings/service.js';
import type { Store } from '../../lib/store.js';
import { createDailyStore, type DailySchedule, type LastPost } from './store.js';
import { PostRefused, type DailyPoster } from '../../discord/daily-poster.js';
import { quoteMessage, threadName, type QuoteCard, type QuoteMessage } from './post.js';
import { choosePrompt, type PromptSet } from '../../library/prompts.js';
import { extractQuotes, type Quote } from '../../library/quotes.js';
import { nextInRotation } from './rotation.js';
import { localDate, nextPostAt, parseDays, parseTime, parseTimezone, previousPostAt } from './schedule.js';
import { DailyScheduler, LATE_LIMIT_MS, type DuePost } from './scheduler.js';

export interface DailyDeps {
  poster: DailyPoster;
  store: Store;
  settings: SettingsStore;
  logger: Logger;
  corpus: Corpus;
  prompts: PromptSet;
  /** The corpus's quotes, when the caller has extracted them already (e.g. to load the prompts). */
  quotes?: Quote[];
  /** The clock; tests pass a controlled one. */
  now?: () => number;
  /** Start node-cron's minute task (not in tests, which call `tick`). */
  cron?: boolean;
  /** Posts sent at once when many servers are due in the same minute. */
  concurrency?: number;
  /** Counts posts made, skipped and failed. */
  metrics?: Pick<Metrics, 'dailyPosts'>;
}

/** What `/daily set` gives, as typed by the admin. */
export interface DailySetInput {
  channelId: string;
  time: string;
  timezone?: string | null;
  days?: string | null;
  thread?: boolean | null;
  roleId?: string | null;
}

export interface DailyStatus {
  schedule: DailySchedule;
  /** Absent while paused. */
  next?: Date;
}

export interface DailyPreview {
  message: QuoteMessage;
  card: QuoteCard;
  status?: DailyStatus;
}

export type PostOutcome =
  | { kind: 'posted'; lastPost: LastPost; threadFailure?: string }
  | { kind: 'already'; date: string; lastPost?: LastPost }
  | { kind: 'paused'; reason: string }
  | { kind: 'unscheduled' };

export type DailyService = ReturnType<typeof createDailyService>;

const RETRY_MS = 5 * 60_000;

/**
 * The daily post of every server this process holds: schedules kept in the store and
 * in one scheduler, posts guarded by a claim per server and local date, and a pause
 * with the reason when a channel or a permission is gone. Nothing here throws out of
 * a tick: one server's failure is logged and the others go on.
 */
export function createDailyService(deps: DailyDeps) {
  const { poster, logger, corpus, prompts, settings } = deps;
  const counted = (result: 'made' | 'skipped' | 'failed') => deps.metrics?.dailyPosts.inc({ result });
  const now = deps.now ?? Date.now;
  const daily = createDailyStore(deps.store, logger);
  const quotes = deps.quotes ?? extractQuotes(corpus);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const scheduler = new DailyScheduler({
    onDue: (post) => enqueue(post),
    onSkip: (post, lateMs) => {
      counted('skipped');
      logger.warn({ guildId: post.guildId, dueAt: post.slot.toISOString(), lateMinutes: Math.round(lateMs / 60_000) }, 'daily post skipped: more than 6 hours late');
    },
    onError: (guildId, error) => logger.error({ guildId, err: error }, 'daily schedule failed'),
  });

  // One chain per server, so a post, /daily set and /daily now never interleave.
  const serial = createKeyedQueue();
  const withLock = <T>(guildId: string, work: () => Promise<T>): Promise<T> => serial.run(guildId, work);

  // Due posts wait in a queue so a busy minute sends a few at a time, not thousands at once.
  const queue: DuePost[] = [];
  const inFlight = new Set<Promise<void>>();
  const concurrency = deps.concurrency ?? 8;
  function enqueue(post: DuePost): void {
    queue.push(post);
    pump();
  }
  function pump(): void {
    while (inFlight.size < concurrency && queue.length > 0) {
      const post = queue.shift()!;
      const job = postScheduled(post).finally(() => {
        inFlight.delete(job);
        pump();
      });
      inFlight.add(job);
    }
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

  function card(quote: Quote, style: Parameters<typeof choosePrompt>[2], seed: string): QuoteCard {
    return { quote, prompt: choosePrompt(prompts, quote, style, seed), article: corpus.byId.get(quote.articleId)! };
  }

  async function nextCard(guildId: string) {
    const rotation = await daily.getRotation(guildId);
    const pick = nextInRotation(quotes, rotation, guildId);
    const { prompt_style } = await settings.get(guildId);
    return { card: card(pick.quote, prompt_style, `${guildId}:${pick.after.cycle}`), rotation: pick.after };
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
        return { kind: 'paused', reason: problem };
      }
      // The guard: written before the post, so no restart or other process posts this date again.
      if (!(await daily.claimPost(guildId, date, owner))) return { kind: 'already', date, lastPost: schedule.lastPost };
      const { card: chosen, rotation } = await nextCard(guildId);
      let sent;
      try {
        const message = quoteMessage(chosen, { kind: 'daily', roleId: schedule.roleId });
        sent = await poster.send(schedule.channelId, message, schedule.thread ? threadName(chosen.prompt) : undefined);
      } catch (error) {
        await daily.releasePost(guildId, date, owner).catch((release: unknown) => logger.warn({ guildId, err: release }, 'daily claim not released'));
        if (!(error instanceof PostRefused)) throw error;
        await pause(guildId, schedule, error.message);
        return { kind: 'paused', reason: error.message };
      }
      const lastPost: LastPost = { messageId: sent.messageId, channelId: schedule.channelId, date, at: new Date(now()).toISOString(), quoteId: chosen.quote.id, owner };
      await daily.saveSchedule(guildId, { ...schedule, lastPost });
      await daily.saveRotation(guildId, rotation);
      await releaseOldClaim(guildId, schedule.lastPost, date);
      if (sent.threadFailure) logger.warn({ guildId, reason: sent.threadFailure }, 'daily post thread not started');
      counted('made');
      logger.info({ guildId, channelId: schedule.channelId, date, quote: chosen.quote.id, prompt: chosen.prompt.number }, 'daily post sent');
      return { kind: 'posted', lastPost, threadFailure: sent.threadFailure };
    });
  }

  // A date's claim is only contested within 6 hours of its post; older ones are given
  // back so the claims table does not grow by one row per server per day forever.
  async function releaseOldClaim(guildId: string, previous: LastPost | undefined, date: string): Promise<void> {
    if (!previous?.owner || previous.date >= date || Date.parse(previous.at) + LATE_LIMIT_MS >= now()) return;
    await daily.releasePost(guildId, previous.date, previous.owner).catch((error: unknown) => logger.warn({ guildId, err: error }, 'old daily claim not released'));
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0 || queue.length > 0) await Promise.all([...inFlight]);
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
    quotes,
    scheduler,

    /** Loads the schedules of the servers this process holds, catches up recent misses, starts the timer. */
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
      if (deps.cron !== false) scheduler.start();
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

    /** Stops the timer and waits for the posts being sent; queued ones are left for the next start's catch-up. */
    async stop(): Promise<void> {
      await scheduler.stop();
      queue.length = 0;
      await idle();
    },

    /** Takes what is due at `now` (the cron task calls this every minute). */
    tick: (at: Date | number = now()) => scheduler.tick(at),

    /** Resolves when no post is queued or being sent. */
    idle,

    set(guildId: string, input: DailySetInput): Promise<DailyStatus> {
      const time = parseTime(input.time);
      const timezone = parseTimezone(input.timezone ?? 'UTC');
      const days = parseDays(input.days ?? 'every day');
      return withLock(guildId, async () => {
        const existing = await daily.getSchedule(guildId);
        const schedule: DailySchedule = {
          channelId: input.channelId,
          time,
          timezone,
          days,
          thread: input.thread ?? true,
          ...(input.roleId ? { roleId: input.roleId } : {}),
          setAt: new Date(now()).toISOString(),
          ...(existing?.lastPost ? { lastPost: existing.lastPost } : {}),
        };
        await daily.saveSchedule(guildId, schedule);
        scheduler.set(guildId, schedule, now());
        logger.info({ guildId, channelId: schedule.channelId, time, timezone, days }, 'daily post set');
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

    /** The next post as it will look, with nobody pinged. */
    async preview(guildId: string): Promise<DailyPreview> {
      const schedule = await daily.getSchedule(guildId);
      const { card: next } = await nextCard(guildId);
      return { message: quoteMessage(next, { kind: 'daily' }), card: next, ...(schedule ? { status: statusOf(schedule, guildId) } : {}) };
    },

    /** `/daily now`: today's post at once; it counts as today's, so the scheduled one is not made. */
    async postNow(guildId: string): Promise<{ lastPost: LastPost; threadFailure?: string }> {
      const schedule = await daily.getSchedule(guildId);
      if (!schedule) throw new UserError('There is no daily post here yet: set one up with `/daily set`.');
      if (schedule.pausedReason) throw new UserError(`The daily post is paused: ${schedule.pausedReason} Fix that and run \`/daily set\` to resume it.`);
      const outcome = await post(guildId, new Date(now()));
      switch (outcome.kind) {
        case 'posted':
          return { lastPost: outcome.lastPost, ...(outcome.threadFailure ? { threadFailure: outcome.threadFailure } : {}) };
        case 'already':
          throw new UserError(
            outcome.lastPost
              ? `Today's post (${outcome.date}) is already up: ${messageLink(outcome.lastPost.channelId, outcome.lastPost.messageId, guildId)}`
              : `Today's post (${outcome.date}) has already been made.`,
          );
        case 'paused':
          throw new UserError(`I could not post: ${outcome.reason} The daily post is paused until you run \`/daily set\` again.`);
        case 'unscheduled':
          throw new UserError('There is no daily post here yet: set one up with `/daily set`.');
      }
    },

    /** `/quote`: a random quote (of one article, if given) with its prompt, in the daily post's format. */
    async quote(guildId: string, articleId?: string | null): Promise<QuoteMessage> {
      let pool = quotes;
      const article = checkArticleId({ corpus }, articleId);
      if (article) pool = quotes.filter((quote) => quote.articleId === article);
      if (pool.length === 0) throw new UserError('That article has no sentence short enough to quote.');
      const quote = pool[Math.floor(Math.random() * pool.length)]!;
      const { prompt_style } = await settings.get(guildId);
      return quoteMessage(card(quote, prompt_style, randomBytes(4).toString('hex')), { kind: 'quote' });
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
