import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';

const snowflake = z.string().regex(/^\d{1,20}$/);

const lastRecapSchema = z.object({
  /** The local date (the daily schedule's timezone) the recap counts for, `YYYY-MM-DD`. */
  date: z.iso.date(),
  channelId: snowflake,
  messageId: snowflake,
  at: z.iso.datetime(),
  /** Who holds that date's claim, so it can be given back once nobody contests it. */
  owner: z.string(),
});

const recapScheduleSchema = z.object({
  /** 1 = Monday ... 7 = Sunday. */
  day: z.number().int().min(1).max(7),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** A recap due before this is not caught up on start-up. */
  setAt: z.iso.datetime(),
  lastRecap: lastRecapSchema.optional(),
});

export type RecapSchedule = z.output<typeof recapScheduleSchema>;

/** A week: a recap's claim is contested only until the next week's. */
const RECENT_MS = 7 * 24 * 60 * 60 * 1000;

/** The claim that allows one weekly recap per server and local date, across restarts and processes. */
function claimKey(guildId: string, date: string): string {
  return `recap:${guildId}:${date}`;
}

/**
 * Each server's weekly recap schedule (namespace `recap`, one record per server; the channel and
 * timezone are the daily post's), and the claims that guard each recap, written before it is sent.
 */
export function createRecapStore(store: Store, logger: Logger) {
  const schedules = recordStore(store.namespace('recap'), recapScheduleSchema, logger, 'weekly recap schedule');
  const release = (guildId: string, date: string, owner: string) => store.release(claimKey(guildId, date), owner);
  return {
    get: (guildId: string) => schedules.get(guildId),
    save: (guildId: string, schedule: RecapSchedule) => schedules.set(guildId, schedule),
    /** Every stored schedule of the servers `holds` takes, as `[guildId, schedule]`. */
    all: (holds: (guildId: string) => boolean) => schedules.entries(holds),
    /** True when `owner` won the date: nobody had claimed it. */
    claim: (guildId: string, date: string, owner: string) => store.claim(claimKey(guildId, date), owner),
    release,
    /** Stops the weekly recap. The last recap's claim stays while it is recent, so a schedule set again that day does not post it twice. */
    async off(guildId: string, now: number): Promise<void> {
      const last = (await schedules.get(guildId))?.lastRecap;
      if (last && Date.parse(last.at) < now - RECENT_MS) await release(guildId, last.date, last.owner);
      await schedules.delete(guildId);
    },
    async forgetGuild(guildId: string): Promise<void> {
      const last = (await schedules.get(guildId))?.lastRecap;
      if (last) await release(guildId, last.date, last.owner);
      await schedules.delete(guildId);
    },
  };
}
