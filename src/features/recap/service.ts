import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Library } from '../../library/library.js';
import { parseInput } from '../../lib/input.js';
import { UserError } from '../../lib/errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Store } from '../../lib/store.js';
import type { DailyService } from '../daily/service.js';
import { localDate, nextPostAt, parseTime, previousPostAt, type Schedule } from '../daily/schedule.js';
import { createDueQueue, minuteBeat } from '../daily/minute-beat.js';
import { DailyScheduler, LATE_LIMIT_MS } from '../daily/scheduler.js';
import { claimValue, type DailySchedule } from '../daily/store.js';
import { minuteTicker, type Ticker } from '../daily/ticker.js';
import type { Entry } from '../history/entry.js';
import type { HistoryService } from '../history/service.js';
import type { PlanService } from '../plans/service.js';
import { assembleRecap, periodStart, type Recap, type RecapLink } from './assemble.js';
import { createRecapStore, type RecapSchedule } from './store.js';
import { needsDailyText, type ScheduledRecap } from './views.js';

/** What the recap needs from Discord: the bot's is `discordRecapPoster` (src/discord/recap-poster.ts), tests give a fake. */
export interface RecapPoster {
  /** Whether this process (shard) holds the server. */
  holdsGuild(guildId: string): boolean;
  /** Where each entry's thread and message stand now, in order. */
  links(guildId: string, entries: Entry[]): Promise<RecapLink[]>;
  /** Sends the weekly recap of `date`; throws RecapRefused when Discord refused it, so it surely was not posted. */
  send(channelId: string, date: string, recap: Recap): Promise<{ messageId: string }>;
}

/** Discord refused the weekly recap (channel gone, permission missing): nothing was posted. */
export class RecapRefused extends Error {
  override name = 'RecapRefused';
}

interface RecapDeps {
  store: Store;
  logger: Logger;
  poster: RecapPoster;
  history: Pick<HistoryService, 'since'>;
  plans: Pick<PlanService, 'status'>;
  /** Each server's articles: a reference to a removed one says so. */
  library: Library;
  /** The daily post's schedule: the weekly recap goes to its channel, in its timezone. */
  daily: Pick<DailyService, 'status'>;
  /** The clock; tests pass a controlled one. */
  now?: () => number;
  /** The minute beat (node-cron's by default); tests pass one they fire by hand. */
  ticker?: Ticker;
}

export type RecapService = ReturnType<typeof createRecapService>;

const WEEK_DAYS = 7;
// Weekly recaps sent at once when many servers are due in the same minute.
const CONCURRENCY = 4;

const showSchema = z.object({ days: z.number().int().min(1).max(31).nullable().transform((days) => days ?? WEEK_DAYS) });
const scheduleSchema = z.object({ day: z.number().int().min(1).max(7), time: z.string() });

/** The recap's weekly schedule in the scheduler's terms: the daily post's timezone, one weekday. */
function weekly(schedule: Pick<RecapSchedule, 'day' | 'time'>, timezone: string): Schedule {
  return { time: schedule.time, timezone, days: [schedule.day] };
}

/**
 * `/recap`: what a server did in a period, from its history; and the weekly recap, posted in
 * the daily post's channel at a weekday and time in its timezone. One scheduler for every
 * server of the process; each weekly recap is guarded by a claim per server and local date,
 * written before the post, so no restart or other process posts it twice. A recap cut short
 * by a crash after its claim is not made again: at most once is the promise.
 */
export function createRecapService(deps: RecapDeps) {
  const { poster, logger } = deps;
  const now = deps.now ?? Date.now;
  const ticker = deps.ticker ?? minuteTicker;
  const recaps = createRecapStore(deps.store, logger);
  const processId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const scheduler = new DailyScheduler({
    onDue: (due) => queue.enqueue(due),
    onSkip: (due, lateMs) => logger.warn({ guildId: due.guildId, dueAt: due.slot.toISOString(), lateMinutes: Math.round(lateMs / 60_000) }, 'weekly recap skipped: more than 6 hours late'),
    onError: (guildId, error) => logger.error({ guildId, err: error }, 'weekly recap schedule failed'),
  });
  const serial = createKeyedQueue();

  const queue = createDueQueue(CONCURRENCY, (due) => postWeekly(due.guildId, due.slot));

  async function dailyOf(guildId: string): Promise<DailySchedule | undefined> {
    const status = await deps.daily.status(guildId);
    return status && 'schedule' in status ? status.schedule : undefined;
  }

  /** The recap of the `days` days before now. */
  async function build(guildId: string, days: number): Promise<Recap> {
    const at = now();
    const [entries, shelf, plan] = await Promise.all([
      deps.history.since(guildId, periodStart(at, days)),
      deps.library.forGuild(guildId),
      deps.plans.status(guildId),
    ]);
    return assembleRecap({ days, now: at, entries, corpus: shelf.corpus, links: (shown) => poster.links(guildId, shown), ...(plan ? { plan } : {}) });
  }

  /** Makes the weekly recap for the local date of `slot`, unless that date has one. */
  function postWeekly(guildId: string, slot: Date): Promise<void> {
    return serial.run(guildId, async () => {
      try {
        const schedule = await recaps.get(guildId);
        if (!schedule) return scheduler.delete(guildId);
        const daily = await dailyOf(guildId);
        if (!daily || daily.pausedReason) {
          logger.warn({ guildId, reason: daily?.pausedReason ?? 'no daily post' }, 'weekly recap skipped: the daily post is paused or gone');
          return;
        }
        const slots = weekly(schedule, daily.timezone);
        if (+nextPostAt(slots, +slot - 1) !== +slot) {
          // The daily post moved to another timezone (or another process changed the day or time) since this was scheduled: the recap follows.
          scheduler.set(guildId, slots, now());
          return logger.info({ guildId, timezone: daily.timezone }, 'weekly recap moved to its time in the daily timezone');
        }
        const date = localDate(slot, daily.timezone);
        if (schedule.lastRecap?.date === date) return logger.debug({ guildId, date }, 'weekly recap already posted');
        const recap = await build(guildId, WEEK_DAYS);
        if (recap.posts.length === 0 && recap.polls.length === 0 && recap.noted.length === 0) {
          logger.info({ guildId, date }, 'weekly recap skipped: nothing in the week');
          return;
        }
        // The guard: written before the post, so no restart or other process posts this date again.
        const owner = claimValue(processId, now());
        if (!(await recaps.claim(guildId, date, owner))) return logger.info({ guildId, date }, 'weekly recap already claimed');
        let sent;
        try {
          sent = await poster.send(daily.channelId, date, recap);
        } catch (error) {
          // Refused: surely not posted, so the date is free again. Otherwise it may have arrived: the claim stays.
          if (error instanceof RecapRefused) await recaps.release(guildId, date, owner);
          throw error;
        }
        await recaps.save(guildId, { ...schedule, lastRecap: { date, channelId: daily.channelId, messageId: sent.messageId, at: new Date(now()).toISOString(), owner } });
        // Last week's claim is contested no more: given back, so the claims do not pile up.
        const previous = schedule.lastRecap;
        if (previous && previous.date !== date) await recaps.release(guildId, previous.date, previous.owner);
        logger.info({ guildId, date, channelId: daily.channelId, messageId: sent.messageId }, 'weekly recap posted');
      } catch (error) {
        logger.error({ guildId, err: error }, 'weekly recap failed');
      }
    });
  }

  /** Puts a stored schedule in the scheduler; a recap missed since it was set (the bot was down) by less than 6 hours is due at once. */
  function hold(guildId: string, schedule: RecapSchedule, timezone: string, at: number): boolean {
    const slots = weekly(schedule, timezone);
    const missed = previousPostAt(slots, at);
    const catchUp = missed && +missed >= Date.parse(schedule.setAt) && at - +missed <= LATE_LIMIT_MS && schedule.lastRecap?.date !== localDate(missed, timezone);
    scheduler.set(guildId, slots, at, catchUp ? missed : undefined);
    return Boolean(catchUp);
  }

  async function loadGuild(guildId: string, at: number): Promise<'held' | 'caught up' | undefined> {
    const schedule = await recaps.get(guildId);
    const daily = schedule && (await dailyOf(guildId));
    if (!schedule || !daily) return undefined;
    return hold(guildId, schedule, daily.timezone, at) ? 'caught up' : 'held';
  }

  /** Holds the schedules of the servers this process holds; false when the store could not list them. */
  async function loadAll(at: number): Promise<boolean> {
    const counts = { schedules: 0, catchUps: 0 };
    try {
      for await (const [guildId] of recaps.all((guildId) => poster.holdsGuild(guildId))) {
        if (scheduler.has(guildId)) continue;
        try {
          const held = await loadGuild(guildId, at);
          if (held) counts.schedules += 1;
          if (held === 'caught up') counts.catchUps += 1;
        } catch (error) {
          logger.error({ guildId, err: error }, 'weekly recap not loaded');
        }
      }
      logger.info(counts, 'weekly recaps scheduled');
      return true;
    } catch (error) {
      logger.error({ err: error, ...counts }, 'weekly recaps could not be listed; trying again in a minute');
      return false;
    }
  }

  const beat = minuteBeat({ scheduler, queue, ticker, loadAll });

  return {
    /** `/recap show`: the recap of the last `days` (1..31, default 7) days. */
    async show(guildId: string, input: { days: number | null }): Promise<Recap> {
      const { days } = parseInput(showSchema, input, 'days');
      return build(guildId, days);
    },

    /** `/recap schedule`: the weekly recap at `day` (1 = Monday) and `time` in the daily post's timezone; refused without a daily post. */
    schedule(guildId: string, input: { day: number; time: string }): Promise<ScheduledRecap> {
      return serial.run(guildId, async () => {
        const { day, time: typed } = parseInput(scheduleSchema, input, 'day');
        const time = parseTime(typed);
        const daily = await dailyOf(guildId);
        if (!daily) throw new UserError(needsDailyText);
        const existing = await recaps.get(guildId);
        const schedule: RecapSchedule = { day, time, setAt: new Date(now()).toISOString(), ...(existing?.lastRecap ? { lastRecap: existing.lastRecap } : {}) };
        await recaps.save(guildId, schedule);
        scheduler.set(guildId, weekly(schedule, daily.timezone), now());
        logger.info({ guildId, day, time, timezone: daily.timezone }, 'weekly recap set');
        return {
          day,
          time,
          timezone: daily.timezone,
          channelId: daily.channelId,
          next: nextPostAt(weekly(schedule, daily.timezone), now()),
          ...(daily.pausedReason ? { pausedReason: daily.pausedReason } : {}),
        };
      });
    },

    /** `/recap off`: no more weekly recaps. */
    off(guildId: string): Promise<'off' | 'none'> {
      return serial.run(guildId, async () => {
        scheduler.delete(guildId);
        if (!(await recaps.get(guildId))) return 'none';
        await recaps.off(guildId, now());
        logger.info({ guildId }, 'weekly recap off');
        return 'off';
      });
    },

    /** Loads the schedules of the servers this process holds, catches up recent misses, starts the ticker. */
    start: () => beat.start(now()),

    /** A server that joins (or comes back) after start-up. */
    async loadGuild(guildId: string): Promise<void> {
      if (scheduler.has(guildId)) return;
      const at = now();
      await loadGuild(guildId, at);
      scheduler.tick(at);
    },

    /** Stops the ticker and waits for the recaps being sent. */
    stop: () => beat.stop(),

    /** The bot left the server: its schedule and its last claim go. */
    forgetGuild(guildId: string): Promise<void> {
      return serial.run(guildId, async () => {
        scheduler.delete(guildId);
        await recaps.forgetGuild(guildId);
      });
    },
  };
}
