import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';

const snowflake = z.string().regex(/^\d{1,20}$/);

const lastPostSchema = z.object({
  messageId: snowflake,
  channelId: snowflake,
  /** The server's local date the post counts for, `YYYY-MM-DD`. */
  date: z.iso.date(),
  /** When it was sent, ISO 8601. */
  at: z.iso.datetime(),
  quoteId: z.string().optional(),
  /** Who holds the guard claim of that date, so it can be released once it is old. */
  owner: z.string().optional(),
});

const dailyScheduleSchema = z.object({
  channelId: snowflake,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  timezone: z.string().min(1),
  days: z.array(z.number().int().min(1).max(7)).min(1),
  thread: z.boolean(),
  roleId: snowflake.optional(),
  /** Why posting stopped (channel gone, permission lost); absent while the schedule runs. */
  pausedReason: z.string().optional(),
  /** When the schedule was last set: a post due before this is not caught up on start-up. */
  setAt: z.iso.datetime(),
  lastPost: lastPostSchema.optional(),
});

export type DailySchedule = z.output<typeof dailyScheduleSchema>;
export type LastPost = z.output<typeof lastPostSchema>;

const rotationSchema = z.object({
  cycle: z.number().int().min(0),
  /** Quote ids already posted in this cycle. */
  used: z.array(z.string()),
});

export type Rotation = z.output<typeof rotationSchema>;

/** The claim key that allows one post per server per local date, across restarts and processes. */
function guardKey(guildId: string, date: string): string {
  return `daily:${guildId}:${date}`;
}

/**
 * The daily post's state: the schedule of each server (namespace `daily`), its quote
 * rotation (`daily-rotation`), and the guard claims in the store's atomic claim table.
 */
export function createDailyStore(store: Store, logger: Logger) {
  const schedules = recordStore(store.namespace('daily'), dailyScheduleSchema, logger, 'daily schedule');
  const rotations = recordStore(store.namespace('daily-rotation'), rotationSchema, logger, 'quote rotation');
  return {
    getSchedule: (guildId: string) => schedules.get(guildId),
    saveSchedule: (guildId: string, schedule: DailySchedule) => schedules.set(guildId, schedule),
    deleteSchedule: (guildId: string) => schedules.delete(guildId),
    /** Every stored schedule, as `[guildId, schedule]`. */
    allSchedules: () => schedules.entries(),
    async getRotation(guildId: string): Promise<Rotation> {
      return (await rotations.get(guildId)) ?? { cycle: 0, used: [] };
    },
    saveRotation: (guildId: string, rotation: Rotation) => rotations.set(guildId, rotation),
    /** True when this caller may post for that date: written before the post is sent. */
    claimPost: (guildId: string, date: string, owner: string) => store.claim(guardKey(guildId, date), owner),
    releasePost: (guildId: string, date: string, owner: string) => store.release(guardKey(guildId, date), owner),
    async forgetGuild(guildId: string): Promise<void> {
      const schedule = await schedules.get(guildId);
      if (schedule?.lastPost?.owner) await store.release(guardKey(guildId, schedule.lastPost.date), schedule.lastPost.owner);
      await schedules.delete(guildId);
      await rotations.delete(guildId);
    },
  };
}
