import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Namespace, Store } from '../../lib/store.js';

const snowflake = z.string().regex(/^\d{1,20}$/);

const lastPostSchema = z.object({
  messageId: snowflake,
  channelId: snowflake,
  /** The server's local date the post counts for, `YYYY-MM-DD`. */
  date: z.iso.date(),
  /** When it was sent (or found and recorded), ISO 8601. */
  at: z.iso.datetime(),
  quoteId: z.string().optional(),
  /** Who holds the guard claim of that date, so it can be released once it is old. */
  owner: z.string().optional(),
});

/** The post of a date that was tried and is not recorded yet: under way, failed, or cut short by a crash. */
const attemptSchema = z.object({
  date: z.iso.date(),
  /** The instant the post stands for: its scheduled time, or when `/daily now` was run. */
  slot: z.iso.datetime(),
  /** When the first try began: a post an earlier try made is looked for in the channel from there. */
  firstAt: z.iso.datetime(),
  /** When the latest try began. */
  at: z.iso.datetime(),
  tries: z.number().int().min(1),
  /** Why the latest try failed; absent while it is under way, or when it stopped without an answer. */
  failure: z.string().optional(),
  /** When the next try is due; absent once the failures outlasted the retries. */
  retryAt: z.iso.datetime().optional(),
});

const dailyScheduleSchema = z.object({
  channelId: snowflake,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  timezone: z.string().min(1),
  days: z.array(z.number().int().min(1).max(7)).min(1),
  thread: z.boolean(),
  roleId: snowflake.optional(),
  /** The role the posts pinged until it was deleted: they go on without a ping, and /daily status says so. */
  deletedRoleId: snowflake.optional(),
  /** Why posting stopped (channel gone, permission lost); absent while the schedule runs. */
  pausedReason: z.string().optional(),
  /** When an admin turned the daily post off: the setup is kept for `/daily set`, and nothing is posted. Absent while on. */
  offAt: z.iso.datetime().optional(),
  /** When the schedule was last set: a post due before this is not caught up on start-up. */
  setAt: z.iso.datetime(),
  lastPost: lastPostSchema.optional(),
  attempt: attemptSchema.optional(),
});

export type DailySchedule = z.output<typeof dailyScheduleSchema>;
export type LastPost = z.output<typeof lastPostSchema>;
export type Attempt = z.output<typeof attemptSchema>;

const rotationSchema = z.object({
  cycle: z.number().int().min(0),
  /** Quote ids already posted in this cycle. */
  used: z.array(z.string()),
  /** Ids of the latest prompts posted, oldest first (rotation.ts keeps 14); absent in records written before prompts rotated. */
  prompts: z.array(z.string()).default([]),
});

export type Rotation = z.output<typeof rotationSchema>;

/**
 * The quote rotation of each server (namespace `daily-rotation`): what the daily post
 * has posted. /quote reads it too, to offer what the server has not discussed yet.
 */
export function createRotationStore(store: Store, logger: Logger) {
  const rotations = recordStore(store.namespace('daily-rotation'), rotationSchema, logger, 'quote rotation');
  return {
    async get(guildId: string): Promise<Rotation> {
      return (await rotations.get(guildId)) ?? { cycle: 0, used: [], prompts: [] };
    },
    save: (guildId: string, rotation: Rotation) => rotations.set(guildId, rotation),
    delete: (guildId: string) => rotations.delete(guildId),
  };
}

export type RotationStore = ReturnType<typeof createRotationStore>;

const setAsideSchema = z.object({ reason: z.string(), at: z.iso.datetime() });

/** The claim key that allows one post per server per local date, across restarts and processes. */
function guardKey(guildId: string, date: string): string {
  return `daily:${guildId}:${date}`;
}

/**
 * A claim's value: the process (host, pid and a random part) and when it took or last
 * renewed the claim, so that another process can tell a claim whose holder stopped.
 */
export function claimValue(processId: string, at: number): string {
  return `${processId}@${at}`;
}

/** When a claim was taken or last renewed; undefined for a claim written by an older version. */
export function claimedAt(value: string): number | undefined {
  const at = Number(value.slice(value.lastIndexOf('@') + 1));
  return value.includes('@') && Number.isInteger(at) ? at : undefined;
}

/**
 * The daily post's state: the schedule of each server (namespace `daily`), its quote
 * rotation (`daily-rotation`), and the guard claims in the store's atomic claim table.
 * A schedule that cannot be read is set aside by the record store; a note of that
 * (`daily-set-aside`) lets /daily status say so until /daily set starts over.
 */
export function createDailyStore(store: Store, logger: Logger) {
  const notes = recordStore(store.namespace('daily-set-aside'), setAsideSchema, logger, 'daily set-aside note');
  const daily = store.namespace('daily');
  const noted: Namespace = {
    ...daily,
    async setAside(key, raw, reason) {
      await daily.setAside(key, raw, reason);
      await notes.set(key, { reason, at: new Date().toISOString() });
    },
  };
  const schedules = recordStore(noted, dailyScheduleSchema, logger, 'daily schedule');
  const rotations = createRotationStore(store, logger);
  const release = (guildId: string, date: string, owner: string) => store.release(guardKey(guildId, date), owner);
  return {
    getSchedule: (guildId: string) => schedules.get(guildId),
    async saveSchedule(guildId: string, schedule: DailySchedule): Promise<void> {
      await schedules.set(guildId, schedule);
    },
    /** A new schedule: any note of an unreadable one goes. */
    async replaceSchedule(guildId: string, schedule: DailySchedule): Promise<void> {
      await schedules.set(guildId, schedule);
      await notes.delete(guildId);
    },
    /** Forgets the note of a schedule that could not be read. */
    forgetSetAside: (guildId: string) => notes.delete(guildId),
    /** Why the server's schedule was set aside, when it could not be read. */
    setAsideNote: (guildId: string) => notes.get(guildId),
    /** The stored schedule of every server `holds` takes, as `[guildId, schedule]`; the others' records are not read. */
    allSchedules: (holds: (guildId: string) => boolean) => schedules.entries(holds),
    getRotation: rotations.get,
    saveRotation: rotations.save,
    /** True when `owner` may post for that date: nobody claimed it, or its holder is `abandoned`. Written before the post is sent. */
    claimPost: (guildId: string, date: string, owner: string, abandoned: (holder: string) => boolean) =>
      store.takeOver(guardKey(guildId, date), owner, abandoned),
    /** Moves the claim from `from` to `to` if `from` still holds it: a renewal, or a claim marked abandoned. */
    passPost: (guildId: string, date: string, from: string, to: string) => store.takeOver(guardKey(guildId, date), to, (holder) => holder === from),
    releasePost: release,
    async forgetGuild(guildId: string): Promise<void> {
      const schedule = await schedules.get(guildId);
      if (schedule?.lastPost?.owner) await release(guildId, schedule.lastPost.date, schedule.lastPost.owner);
      await schedules.delete(guildId);
      await rotations.delete(guildId);
      await notes.delete(guildId);
    },
  };
}
