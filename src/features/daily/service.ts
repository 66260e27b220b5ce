import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Library } from '../../library/library.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/ops/metrics.js';
import type { Store } from '../../lib/store.js';
import { formatRef } from '../../library/references.js';
import type { HistoryService } from '../history/service.js';
import type { SettingsService } from '../settings/service.js';
import { createPlanPosts } from '../plans/posts.js';
import type { PlanPost } from '../plans/progress.js';
import { quoteCard, type QuoteCard } from './card.js';
import { nextInRotation, rememberPrompt } from './rotation.js';
import { applyChanges, localDate, nextPostAt, parseSchedule, previousPostAt, type ScheduleChanges, type ScheduleInput } from './schedule.js';
import { createDueQueue, minuteBeat } from './minute-beat.js';
import { DailyScheduler, LATE_LIMIT_MS, type DuePost } from './scheduler.js';
import { claimedAt, claimValue, createDailyStore, type Attempt, type DailySchedule, type LastPost, type Rotation } from './store.js';
import { minuteTicker, type Ticker } from './ticker.js';

/** What the daily post needs from Discord: the bot's is `discordPoster` (src/discord/daily-poster.ts), tests give a fake. */
export interface DailyPoster {
  /** Whether this process (shard) holds the server. */
  holdsGuild(guildId: string): boolean;
  /** Whether the server still has the role (with the Guilds intent the bot hears of every role deleted). */
  hasRole(guildId: string, roleId: string): boolean;
  /** Why the bot cannot post in the channel (deleted, permission missing), or undefined when it can. */
  checkChannel(guildId: string, channelId: string, thread: boolean): Promise<string | undefined>;
  /** Sends the post, and starts a thread on it when `post.thread` is set. */
  send(channelId: string, post: DailyPost): Promise<SentPost>;
  /**
   * The bot's own post of `date` in the channel, made since `since` by a try that stopped
   * before it could record it. Throws PostRefused when the channel's history cannot be read.
   */
  findPost(channelId: string, date: string, since: Date): Promise<FoundPost | undefined>;
  /** Starts the thread of a post found without one; why it could not, when it could not. */
  startThread(channelId: string, messageId: string, post: DailyPost): Promise<ThreadFailure | undefined>;
}

/** One day's post: the quote card, its local date, the role it pings (nobody without one), and whether a thread goes with it. */
export interface DailyPost {
  card: QuoteCard;
  /** While a reading plan runs: the day's reading (the card then carries its prompt), or the plan's closing post. */
  plan?: PlanPost;
  date: string;
  roleId?: string;
  thread: boolean;
}

interface ThreadFailure {
  reason: string;
  /** Discord refused it (a permission): the schedule pauses until an admin fixes it. */
  refused: boolean;
}

interface SentPost {
  messageId: string;
  /** Why the thread could not be started; the post itself is up. */
  threadFailure?: ThreadFailure;
}

interface FoundPost {
  messageId: string;
  hasThread: boolean;
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
  /** Where each post is recorded against the passage it shows. */
  history: Pick<HistoryService, 'recordPost'>;
  logger: Logger;
  /** Counts posts made, skipped and failed. */
  metrics?: Pick<Metrics, 'dailyPosts'>;
  /** The clock; tests pass a controlled one. */
  now?: () => number;
  /** The minute beat (node-cron's by default); tests pass one they fire by hand. */
  ticker?: Ticker;
}

/** A date's post that was tried and is not recorded: failed, under way, or cut short by a crash. */
export interface UnfinishedPost {
  date: string;
  /** When its latest try began. */
  at: Date;
  tries: number;
  /** Why the latest try failed; absent when Discord has not answered it (under way, or the bot stopped). */
  failure?: string;
  /** When it is tried again; absent once the failures outlasted the retries. */
  retryAt?: Date;
}

export interface DailyStatus {
  schedule: DailySchedule;
  /** The next post of a new date; absent while paused or off. */
  next?: Date;
  unfinished?: UnfinishedPost;
}

/** A schedule that could not be read and was set aside: /daily set starts over. */
export interface UnreadableSchedule {
  unreadable: { reason: string; at: string };
}

export interface DailyPreview {
  card: QuoteCard;
  plan?: PlanPost;
  status?: DailyStatus;
}

export type PostOutcome =
  | { kind: 'posted'; lastPost: LastPost; threadFailure?: string; pausedReason?: string }
  /** The date has its post: made before, or found in the channel after a try that stopped. */
  | { kind: 'already'; date: string; lastPost?: LastPost }
  /** Another try holds the date; `checkAt` is when it counts as stopped if it has not recorded a post. */
  | { kind: 'pending'; date: string; since: Date; checkAt: Date }
  /** This try failed; `retryAt` is absent once the failures outlasted the retries. */
  | { kind: 'failed'; date: string; reason: string; retryAt?: Date }
  /** It was paused before this attempt. */
  | { kind: 'paused'; reason: string }
  /** An admin turned it off; the setup is kept for `/daily set`. */
  | { kind: 'off' }
  /** This attempt could not post, so the schedule is paused from now on. */
  | { kind: 'refused'; reason: string }
  | { kind: 'unscheduled' };

export type DailyService = ReturnType<typeof createDailyService>;

const MINUTE = 60_000;
// Due posts sent at once when many servers are due in the same minute.
const CONCURRENCY = 8;
/**
 * A claim not renewed for this long belongs to a try that stopped (a crash, kill -9): another
 * try may take it over. A try renews its claim while Discord holds its requests (rate limits).
 */
const CLAIM_STALE_MS = 2 * MINUTE;
const CLAIM_RENEW_MS = 30_000;

/** Wait before try `tries + 1`: 1, 2, 4 … minutes, at most 30, until the post would be over 6 hours late. */
function retryDelay(tries: number): number {
  return Math.min(30, 2 ** (tries - 1)) * MINUTE;
}

/** The try of a date that is not recorded yet, if the schedule has one. */
function unrecorded(schedule: DailySchedule): Attempt | undefined {
  const attempt = schedule.attempt;
  return attempt && attempt.date !== schedule.lastPost?.date ? attempt : undefined;
}

/** The schedule once its try is done: the attempt goes. */
function withoutAttempt(schedule: DailySchedule): DailySchedule {
  const done = { ...schedule };
  delete done.attempt;
  return done;
}

/**
 * The daily post of every server this process holds: schedules kept in the store and
 * in one scheduler, posts guarded by a claim per server and local date, and a pause
 * with the reason when a channel or a permission is gone. Nothing here throws out of
 * a tick: one server's failure is logged and the others go on.
 *
 * A try that stops half-way (kill -9) leaves its claim; once the claim is stale another
 * try takes it over and first looks in the channel for the post the stopped one may have
 * made, so that a crash leads neither to two posts for a date nor to none.
 */
export function createDailyService(deps: DailyDeps) {
  const { poster, logger, settings, library, history } = deps;
  const counted = (result: 'made' | 'skipped' | 'failed') => deps.metrics?.dailyPosts.inc({ result });
  const now = deps.now ?? Date.now;
  const ticker = deps.ticker ?? minuteTicker;
  const daily = createDailyStore(deps.store, logger);
  const plans = createPlanPosts(deps.store, logger);
  const processId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const scheduler = new DailyScheduler({
    onDue: (post) => due.enqueue(post),
    onSkip: (post, lateMs) => {
      counted('skipped');
      logger.warn({ guildId: post.guildId, dueAt: post.slot.toISOString(), lateMinutes: Math.round(lateMs / MINUTE) }, 'daily post skipped: more than 6 hours late');
    },
    onError: (guildId, error) => logger.error({ guildId, err: error }, 'daily schedule failed'),
  });

  // One chain per server, so a post, /daily set and /daily now never interleave.
  const serial = createKeyedQueue();
  const withLock = <T>(guildId: string, work: () => Promise<T>): Promise<T> => serial.run(guildId, work);

  const due = createDueQueue(CONCURRENCY, (post) => postScheduled(post));


  async function postScheduled(due: DuePost): Promise<void> {
    try {
      const outcome = await post(due.guildId, due.slot);
      // `pending`: another try holds the date (another process racing for the minute); it is checked again once that claim would be stale.
      if (outcome.kind === 'already' || outcome.kind === 'pending') logger.debug({ guildId: due.guildId, date: outcome.date, ...(outcome.kind === 'pending' ? { claimedBy: 'another try' } : {}) }, 'daily post already made');
    } catch (error) {
      // Not Discord (its failures are outcomes): the store or the library failed before the post.
      counted('failed');
      const retried = retryLater(due.guildId, due.slot, new Date(now() + retryDelay(1)));
      logger.error({ guildId: due.guildId, err: error, retry: retried !== undefined }, 'daily post failed');
    }
  }

  /** Takes the post for `slot` again at `at`; undefined when it would be too late (or the server is no longer scheduled). */
  function retryLater(guildId: string, slot: Date, at: Date): Date | undefined {
    return scheduler.has(guildId) && scheduler.retry(guildId, slot, at) ? at : undefined;
  }

  /**
   * The server's next post, from its library as it is now: the reading plan's post for
   * `date` while one runs (without a date, its next), else the next quote; each with its
   * prompt (none of the last 14 while another fits), and the rotation once it is posted.
   */
  async function nextCard(guildId: string, date?: string): Promise<{ card: QuoteCard; plan?: PlanPost; rotation: Rotation }> {
    const shelf = await library.forGuild(guildId);
    const rotation = await daily.getRotation(guildId);
    const { prompt_style } = await settings.get(guildId);
    const planned = await plans.next(guildId, shelf, { style: prompt_style, recent: rotation.prompts }, date);
    if (planned) return { ...planned, rotation: rememberPrompt(rotation, planned.card.prompt) };
    const pick = nextInRotation(shelf.quotes, rotation, guildId);
    const card = quoteCard(shelf, pick.quote, prompt_style, guildId, { recent: rotation.prompts, turn: pick.after.cycle });
    return { card, rotation: rememberPrompt(pick.after, card.prompt) };
  }

  async function pause(guildId: string, schedule: DailySchedule, reason: string): Promise<void> {
    scheduler.delete(guildId);
    await daily.saveSchedule(guildId, { ...schedule, pausedReason: reason });
    counted('skipped');
    logger.warn({ guildId, channelId: schedule.channelId, reason }, 'daily post paused');
  }

  /** The role was deleted: the posts go on without a ping, and /daily status says why. */
  async function dropRole(guildId: string, schedule: DailySchedule): Promise<DailySchedule> {
    const { roleId, ...rest } = schedule;
    const dropped: DailySchedule = { ...rest, ...(roleId ? { deletedRoleId: roleId } : {}) };
    await daily.saveSchedule(guildId, dropped);
    logger.info({ guildId, roleId }, 'daily post role deleted; posting without a ping');
    return dropped;
  }

  /**
   * Keeps a claim fresh while its try runs, so that no other try takes it over while
   * Discord holds the post (a long rate limit). `stop` gives the claim's latest value.
   */
  function keepClaimed(guildId: string, date: string, owner: string) {
    let held = owner;
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing
        .then(async () => {
          const renewed = claimValue(processId, now());
          if (await daily.passPost(guildId, date, held, renewed)) held = renewed;
        })
        .catch((error: unknown) => logger.warn({ guildId, err: error }, 'daily claim not renewed'));
    }, CLAIM_RENEW_MS);
    timer.unref();
    return {
      async stop(): Promise<string> {
        clearInterval(timer);
        await renewing;
        return held;
      },
    };
  }

  /** Makes the post for the local date of `slot`, unless that date has one already. */
  function post(guildId: string, slot: Date): Promise<PostOutcome> {
    return withLock(guildId, async (): Promise<PostOutcome> => {
      let schedule = await daily.getSchedule(guildId);
      if (!schedule) {
        scheduler.delete(guildId);
        return { kind: 'unscheduled' };
      }
      if (schedule.offAt) {
        scheduler.delete(guildId);
        return { kind: 'off' };
      }
      if (schedule.pausedReason) {
        scheduler.delete(guildId);
        return { kind: 'paused', reason: schedule.pausedReason };
      }
      const date = localDate(slot, schedule.timezone);
      if (schedule.lastPost?.date === date) return { kind: 'already', date, lastPost: schedule.lastPost };
      const problem = await poster.checkChannel(guildId, schedule.channelId, schedule.thread);
      if (problem) {
        await pause(guildId, schedule, problem);
        return { kind: 'refused', reason: problem };
      }
      if (schedule.roleId && !poster.hasRole(guildId, schedule.roleId)) schedule = await dropRole(guildId, schedule);

      // The guard: written before the post, so no restart or other process posts this date again.
      const at = now();
      const owner = claimValue(processId, at);
      // Who held the date before this try, if anyone: a try under way, or one that stopped.
      let holder: string | undefined;
      const won = await daily.claimPost(guildId, date, owner, (current) => {
        holder = current;
        const since = claimedAt(current);
        return since === undefined || at - since > CLAIM_STALE_MS;
      });
      const stopped = won ? holder : undefined;
      if (!won) {
        const since = new Date(claimedAt(holder ?? '') ?? at);
        const checkAt = new Date(+since + CLAIM_STALE_MS + 5_000);
        retryLater(guildId, slot, checkAt);
        return { kind: 'pending', date, since, checkAt };
      }

      const previous = unrecorded(schedule)?.date === date ? schedule.attempt : undefined;
      const attempt: Attempt = { date, slot: slot.toISOString(), firstAt: previous?.firstAt ?? new Date(at).toISOString(), at: new Date(at).toISOString(), tries: (previous?.tries ?? 0) + 1 };
      const lease = keepClaimed(guildId, date, owner);
      let message: DailyPost | undefined;
      let sent: SentPost | undefined;
      try {
        schedule = { ...schedule, attempt };
        await daily.saveSchedule(guildId, schedule);
        const { card, plan, rotation } = await nextCard(guildId, date);
        message = { card, date, thread: schedule.thread, ...(schedule.roleId ? { roleId: schedule.roleId } : {}), ...(plan ? { plan } : {}) };
        let found = false;
        if (stopped !== undefined) {
          // Taken over from a try that stopped: it may have posted before it could record that.
          // Its attempt was saved before it sent anything, so the search starts there.
          const since = previous ? Date.parse(previous.firstAt) : Math.min(+slot, claimedAt(stopped) ?? +slot);
          const earlier = await poster.findPost(schedule.channelId, date, new Date(since));
          if (earlier) {
            found = true;
            const threadFailure = schedule.thread && !earlier.hasThread ? await poster.startThread(schedule.channelId, earlier.messageId, message) : undefined;
            sent = { messageId: earlier.messageId, ...(threadFailure ? { threadFailure } : {}) };
          }
        }
        sent ??= await poster.send(schedule.channelId, message);
        const lastPost: LastPost = { messageId: sent.messageId, channelId: schedule.channelId, date, at: new Date(now()).toISOString(), quoteId: card.quote.id, owner: await lease.stop() };
        // Discord refusing the thread is a permission to fix, as for the post: the schedule pauses after this post.
        const refused = sent.threadFailure?.refused ? sent.threadFailure.reason : undefined;
        // The history and the plan before the post is recorded: once recorded, the date is never
        // tried again, while a try that stops here finds its post, so each happens once per date.
        await recordInHistory(guildId, message, schedule.channelId, sent);
        if (plan) await plans.posted(guildId, date, plan);
        await daily.saveSchedule(guildId, { ...withoutAttempt(schedule), lastPost, ...(refused ? { pausedReason: refused } : {}) });
        await daily.saveRotation(guildId, rotation);
        await releaseOldClaim(guildId, schedule.lastPost, date);
        if (refused) {
          scheduler.delete(guildId);
          logger.warn({ guildId, channelId: schedule.channelId, reason: refused }, 'daily post paused');
        } else if (sent.threadFailure) {
          logger.warn({ guildId, reason: sent.threadFailure.reason }, 'daily post thread not started');
        }
        if (found) {
          logger.info({ guildId, channelId: schedule.channelId, date, messageId: sent.messageId }, 'daily post of a stopped try found in the channel and recorded');
          return { kind: 'already', date, lastPost };
        }
        counted('made');
        logger.info({ guildId, channelId: schedule.channelId, date, quote: card.quote.id, prompt: card.prompt.number, tries: attempt.tries }, 'daily post sent');
        return { kind: 'posted', lastPost, ...(sent.threadFailure ? { threadFailure: sent.threadFailure.reason } : {}), ...(refused ? { pausedReason: refused } : {}) };
      } catch (error) {
        const held = await lease.stop();
        const refused = error instanceof PostRefused && !sent;
        if (refused && stopped === undefined) {
          // Refused, so surely not posted, and no earlier try held the date: the claim goes.
          await daily.releasePost(guildId, date, held).catch((release: unknown) => logger.warn({ guildId, err: release }, 'daily claim not released'));
        } else {
          // The post may have reached Discord all the same (its answer lost on the way back), or an
          // earlier try's may have: the claim is marked stopped, not released, so the next try looks first.
          await daily.passPost(guildId, date, held, claimValue(processId, 0)).catch((mark: unknown) => logger.warn({ guildId, err: mark }, 'daily claim not marked stopped'));
        }
        if (refused) {
          // Nothing of this date is unconfirmed unless an earlier try stopped: then status keeps saying so.
          await pause(guildId, stopped === undefined ? withoutAttempt(schedule) : schedule, error.message);
          return { kind: 'refused', reason: error.message };
        }
        if (!message || sent) throw error; // the store or the library, not Discord: postScheduled retries
        counted('failed');
        const reason = (error as Error).message || String(error);
        const retryAt = retryLater(guildId, slot, new Date(now() + retryDelay(attempt.tries)));
        await daily.saveSchedule(guildId, { ...schedule, attempt: { ...attempt, failure: reason, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) } });
        logger.error({ guildId, date, err: error, tries: attempt.tries, retryAt: retryAt?.toISOString() ?? null }, retryAt ? 'daily post failed; retrying' : 'daily post failed; no more retries');
        return { kind: 'failed', date, reason, ...(retryAt ? { retryAt } : {}) };
      }
    });
  }

  /**
   * The post in the history of the passage it shows: the quote's paragraph, or the day's
   * reading. A plan's closing post looks back on the whole article and is not a discussion of it.
   */
  async function recordInHistory(guildId: string, message: DailyPost, channelId: string, sent: SentPost): Promise<void> {
    const { card, plan, date } = message;
    if (plan?.kind === 'closing') return;
    await history.recordPost(guildId, {
      date,
      kind: plan ? 'plan' : 'daily',
      ref: plan ? formatRef(card.article.id, plan.from, plan.to) : card.quote.ref,
      title: card.article.title,
      prompt: card.prompt.text,
      channelId,
      messageId: sent.messageId,
      // A thread started on a message has the message's id.
      ...(message.thread && !sent.threadFailure ? { threadId: sent.messageId } : {}),
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
   * skipped. A try cut short or failed before the bot stopped is taken up again.
   */
  function hold(guildId: string, schedule: DailySchedule, at: number): 'caught up' | 'resumed' | undefined {
    const missed = previousPostAt(schedule, at);
    if (missed && +missed >= Date.parse(schedule.setAt) && schedule.lastPost?.date !== localDate(missed, schedule.timezone)) {
      if (at - +missed <= LATE_LIMIT_MS) {
        scheduler.set(guildId, schedule, at, missed);
        return 'caught up';
      }
      counted('skipped');
      logger.warn({ guildId, dueAt: missed.toISOString(), lateMinutes: Math.round((at - +missed) / MINUTE) }, 'daily post skipped: more than 6 hours late');
    }
    scheduler.set(guildId, schedule, at);
    return resume(guildId, schedule, at) ? 'resumed' : undefined;
  }

  /** Takes up again a try of the schedule that failed with a retry due, or was cut short (the bot stopped); true when one is. */
  function resume(guildId: string, schedule: DailySchedule, at: number): boolean {
    const attempt = unrecorded(schedule);
    if (!attempt || (attempt.failure && !attempt.retryAt)) return false;
    const retryAt = Math.max(at, attempt.retryAt ? Date.parse(attempt.retryAt) : at);
    return scheduler.retry(guildId, new Date(attempt.slot), new Date(retryAt));
  }

  /**
   * Holds every stored schedule of the servers this process holds; one that cannot be held is
   * logged and the others go on. False when the store could not list them: the next beat tries again.
   */
  async function loadAll(at: number): Promise<boolean> {
    const counts = { schedules: 0, catchUps: 0, resumed: 0 };
    try {
      for await (const [guildId, schedule] of daily.allSchedules((guildId) => poster.holdsGuild(guildId))) {
        if (schedule.offAt || schedule.pausedReason || scheduler.has(guildId)) continue;
        try {
          const held = hold(guildId, schedule, at);
          if (held === 'caught up') counts.catchUps += 1;
          if (held === 'resumed') counts.resumed += 1;
          counts.schedules += 1;
        } catch (error) {
          // One bad record (say, a timezone this Node no longer knows) must not stop the others.
          logger.error({ guildId, err: error }, 'daily schedule not loaded');
        }
      }
      logger.info(counts, 'daily posts scheduled');
      return true;
    } catch (error) {
      // The store is down: what was held so far runs, and the next beat lists the rest.
      logger.error({ err: error, ...counts }, 'daily schedules could not be listed; trying again in a minute');
      return false;
    }
  }

  const beat = minuteBeat({ scheduler, queue: due, ticker, loadAll });

  function statusOf(schedule: DailySchedule, guildId: string): DailyStatus {
    const attempt = unrecorded(schedule);
    const entry = scheduler.next(guildId);
    // While a retry is pending the scheduler's next beat for this server is the retry, and the next new post follows it.
    const retrying = attempt && entry && +entry.due > +entry.slot ? entry.due : undefined;
    const recordedRetry = attempt?.retryAt && Date.parse(attempt.retryAt) > now() ? new Date(attempt.retryAt) : undefined;
    const unfinished: UnfinishedPost | undefined = attempt && {
      date: attempt.date,
      at: new Date(attempt.at),
      tries: attempt.tries,
      ...(attempt.failure ? { failure: attempt.failure } : {}),
      ...(retrying || recordedRetry ? { retryAt: (retrying ?? recordedRetry)! } : {}),
    };
    if (schedule.offAt || schedule.pausedReason) return { schedule, ...(unfinished ? { unfinished } : {}) };
    const next = retrying ? nextPostAt(schedule, +retrying) : entry && +entry.due > now() ? entry.due : nextPostAt(schedule, now());
    return { schedule, next, ...(unfinished ? { unfinished } : {}) };
  }

  return {
    /** Loads the schedules of the servers this process holds, catches up recent misses, starts the ticker. */
    start: () => beat.start(now()),

    /** A server that joins (or comes back) after start-up: its schedule, if it has one, is held from now on. */
    async loadGuild(guildId: string): Promise<void> {
      if (scheduler.has(guildId)) return;
      const schedule = await daily.getSchedule(guildId);
      if (!schedule || schedule.offAt || schedule.pausedReason) return;
      const at = now();
      hold(guildId, schedule, at);
      scheduler.tick(at);
    },

    /** Stops the ticker and waits for the posts being sent; queued ones are left for the next start's catch-up. */
    stop: () => beat.stop(),

    /** Reads what `/daily set` was given; throws a UserError naming the mistake. */
    parseSchedule,

    /**
     * The schedule `/daily set` would save: the server's current one (also while off or
     * paused) with `changes` applied; on a first set, the defaults and `hereChannelId`.
     */
    async withChanges(guildId: string, changes: ScheduleChanges, hereChannelId: string | undefined): Promise<ScheduleInput> {
      return applyChanges(await daily.getSchedule(guildId), changes, hereChannelId);
    },

    /** Saves the schedule (turning it back on, resuming a paused one, or starting over from one that could not be read) and holds it from now on. */
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
          ...(existing?.attempt ? { attempt: existing.attempt } : {}),
        };
        await daily.replaceSchedule(guildId, schedule);
        scheduler.set(guildId, schedule, now());
        resume(guildId, schedule, now());
        logger.info({ guildId, channelId: schedule.channelId, time: schedule.time, timezone: schedule.timezone, days: schedule.days }, 'daily post set');
        return statusOf(schedule, guildId);
      });
    },

    /**
     * Stops the daily post and keeps its setup (and the rotation), marked off, for
     * `/daily set` to turn back on. `none` when there was no schedule (a set-aside one is forgotten).
     */
    off(guildId: string): Promise<'off' | 'already off' | 'none'> {
      return withLock(guildId, async () => {
        scheduler.delete(guildId);
        const schedule = await daily.getSchedule(guildId);
        if (schedule?.offAt) return 'already off';
        if (schedule) {
          await daily.saveSchedule(guildId, { ...schedule, offAt: new Date(now()).toISOString() });
          logger.info({ guildId }, 'daily post off');
          return 'off';
        }
        await daily.forgetSetAside(guildId);
        return 'none';
      });
    },

    /** The channel of a schedule was deleted: pause at once, so /daily status says why before the next post fails. */
    channelDeleted(guildId: string, channelId: string): Promise<void> {
      return withLock(guildId, async () => {
        const schedule = await daily.getSchedule(guildId);
        if (!schedule || schedule.channelId !== channelId || schedule.pausedReason || schedule.offAt) return;
        await pause(guildId, schedule, `The channel <#${channelId}> was deleted.`);
      });
    },

    /** A role was deleted: if the posts pinged it, they go on without a ping. */
    roleDeleted(guildId: string, roleId: string): Promise<void> {
      return withLock(guildId, async () => {
        const schedule = await daily.getSchedule(guildId);
        if (schedule?.roleId === roleId) await dropRole(guildId, schedule);
      });
    },

    async status(guildId: string): Promise<DailyStatus | UnreadableSchedule | undefined> {
      const schedule = await daily.getSchedule(guildId);
      if (schedule) return statusOf(schedule, guildId);
      const note = await daily.setAsideNote(guildId);
      return note ? { unreadable: note } : undefined;
    },

    /** The card of the next post, as it will be posted. */
    async preview(guildId: string): Promise<DailyPreview> {
      const schedule = await daily.getSchedule(guildId);
      const { card, plan } = await nextCard(guildId);
      return { card, ...(plan ? { plan } : {}), ...(schedule ? { status: statusOf(schedule, guildId) } : {}) };
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
