import { randomBytes } from 'node:crypto';
import { UserError } from '../../lib/errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Store } from '../../lib/store.js';
import type { SettingsService } from '../settings/service.js';
import { dayOf, MAX_NOTE, spanOfRef, type Entry } from './entry.js';
import { createHistoryStore, utcDate } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Paragraphs an entry is recorded against: a long range is found by its first ten. */
const MAX_SPAN = 10;
/** Notes one paragraph keeps; a member is told when it is full. */
const MAX_NOTES = 100;
/** Entries one paragraph keeps: past this the oldest posts and polls go (never notes), so a record stays small. */
const MAX_ENTRIES = 400;
/** Paragraphs one recap reads at most: a very busy period is summed up from the first ones. */
const MAX_PERIOD_PARAGRAPHS = 500;
/** Retention runs this often, for the servers this process holds. */
const SWEEP_EVERY_MS = 6 * 60 * 60 * 1000;
const FIRST_SWEEP_MS = 10_000;
/** Days a sweep walks per server at most; the next sweep goes on from there. */
const SWEEP_DAYS = 400;
const NOTE_ID = /^[a-z0-9]{6}$/;

interface HistoryDeps {
  store: Store;
  logger: Logger;
  /** Each server's `history_days`. */
  settings: Pick<SettingsService, 'get'>;
  /** The clock; tests pass a controlled one. */
  now?: () => number;
}

/** A daily or reading-plan post, as the daily service records it. */
export interface PostRecord {
  date: string;
  kind: 'daily' | 'plan';
  ref: string;
  title: string;
  prompt?: string;
  channelId: string;
  messageId: string;
  threadId?: string;
}

/** A `/poll passage`, recorded when it is posted (counts zero) and again when it closes. */
export interface PollRecord {
  pollId: string;
  ref: string;
  title: string;
  channelId: string;
  messageId: string;
  options: string[];
  counts: number[];
  voters: number;
  closed: boolean;
  /** When it was created: a poll keeps its place in the history when it closes. */
  at: number;
}

export interface HistorySummary {
  /** Daily and plan posts of the passage. */
  discussed: number;
  /** The local date of the latest post. */
  lastDiscussed?: string;
  /** The latest passage poll's counts. */
  poll?: Entry['poll'];
  notes: number;
}

/** The paragraph keys (`article:n`) an entry about `ref` is recorded against. */
function paragraphsOf(ref: string): string[] {
  const span = spanOfRef(ref);
  if (!span) throw new RangeError(`not a formatted reference: ${ref}`);
  const last = Math.min(span.to, span.from + MAX_SPAN - 1);
  return Array.from({ length: last - span.from + 1 }, (_, at) => `${span.articleId}:${span.from + at}`);
}

/** Newest first, each entry once (a range's entry is in each of its paragraphs). */
function merged(lists: Entry[][], since: number): Entry[] {
  const byId = new Map<string, Entry>();
  for (const entry of lists.flat()) if (entry.at >= since) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}

/** A paragraph's entries with `entry` in (replacing one of its id), in time order, bounded. */
function withEntry(entries: Entry[], entry: Entry, since: number): Entry[] {
  const kept = entries.filter((old) => old.id !== entry.id && old.at >= since);
  kept.push(entry);
  kept.sort((a, b) => a.at - b.at);
  while (kept.length > MAX_ENTRIES) {
    const oldest = kept.findIndex((old) => old.kind !== 'note');
    if (oldest < 0) break;
    kept.splice(oldest, 1);
  }
  return kept;
}

function newNoteId(): string {
  return (randomBytes(5).readUIntBE(0, 5) % 36 ** 6).toString(36).padStart(6, '0');
}

/**
 * What each server said about each passage: daily and plan posts with their message and
 * thread, passage polls and their counts, and notes, each recorded against the paragraphs
 * it covers and indexed by day for /recap. Kept `history_days` (a setting): reads leave out
 * what is older, and a sweep deletes it. One server's writes run one after another.
 */
export function createHistoryService({ store, logger, settings, now = Date.now }: HistoryDeps) {
  const history = createHistoryStore(store, logger);
  const writes = createKeyedQueue();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let sweeping: Promise<unknown> = Promise.resolve();

  /** The instant before which the server's history is deleted. */
  const cutoffOf = async (guildId: string) => now() - (await settings.get(guildId)).history_days * DAY_MS;

  async function readAll(guildId: string, paragraphs: string[]): Promise<Entry[][]> {
    return Promise.all(paragraphs.map((paragraph) => history.entriesOf(guildId, paragraph)));
  }

  /**
   * Records (or, by id, replaces) an entry against the paragraphs it covers. `before` sees their
   * entries first, in the same turn of the server's queue: it may refuse (throw) or write alongside.
   */
  function record(guildId: string, entry: Entry, before?: (lists: Entry[][]) => Promise<void>): Promise<void> {
    const paragraphs = paragraphsOf(entry.ref);
    return writes.run(guildId, async () => {
      const since = await cutoffOf(guildId);
      const lists = await readAll(guildId, paragraphs);
      await before?.(lists);
      await Promise.all(paragraphs.map((paragraph, at) => history.saveEntries(guildId, paragraph, withEntry(lists[at]!, entry, since))));
      const day = utcDate(entry.at);
      await history.addToDay(guildId, day, paragraphs);
      const oldest = await history.oldestDay(guildId);
      if (oldest === undefined || day < oldest) await history.setOldestDay(guildId, day);
    });
  }

  /** Deletes the server's days that are wholly past its retention; the number of entries deleted. */
  async function sweepGuild(guildId: string): Promise<number> {
    return writes.run(guildId, async () => {
      const oldest = await history.oldestDay(guildId);
      if (oldest === undefined) return 0;
      const cutoff = await cutoffOf(guildId);
      let deleted = 0;
      let day = Date.parse(oldest);
      for (let walked = 0; walked < SWEEP_DAYS && day + DAY_MS <= cutoff; walked++, day += DAY_MS) {
        const date = utcDate(day);
        for (const paragraph of await history.paragraphsOn(guildId, date)) {
          const entries = await history.entriesOf(guildId, paragraph);
          const kept = entries.filter((entry) => entry.at >= cutoff);
          const gone = entries.filter((entry) => entry.at < cutoff);
          for (const entry of gone) if (entry.kind === 'note') await history.deleteNote(guildId, entry.id.slice('note:'.length));
          if (gone.length > 0) await history.saveEntries(guildId, paragraph, kept);
          deleted += gone.length;
        }
        await history.deleteDay(guildId, date);
      }
      if (utcDate(day) !== oldest) await history.setOldestDay(guildId, utcDate(day));
      return deleted;
    });
  }

  async function sweep(guildIds: Iterable<string>): Promise<{ deleted: number }> {
    let deleted = 0;
    for (const guildId of guildIds) {
      try {
        deleted += await sweepGuild(guildId);
      } catch (error) {
        // One server's store trouble must not keep the others' old history.
        logger.warn({ err: error, guildId }, 'history retention failed for a server');
      }
    }
    if (deleted > 0) logger.info({ deleted }, 'history older than its retention deleted');
    return { deleted };
  }

  return {
    /** Records (or, by id, replaces) an entry against the paragraphs it covers. */
    record,

    recordPost(guildId: string, post: PostRecord): Promise<void> {
      const { date, ...shown } = post;
      return record(guildId, { id: `daily:${date}`, at: now(), ...shown });
    },

    recordPoll(guildId: string, poll: PollRecord): Promise<void> {
      const { pollId, at, options, counts, voters, closed, ...place } = poll;
      return record(guildId, { id: `poll:${pollId}`, kind: 'poll', at, ...place, poll: { options, counts, voters, closed } });
    },

    /** What happened to paragraphs `from`..`to` of an article, newest first, within the retention. */
    async ofPassage(guildId: string, articleId: string, from: number, to: number): Promise<Entry[]> {
      const [since, lists] = await Promise.all([cutoffOf(guildId), readAll(guildId, paragraphsOf(`${articleId}:${from}-${Math.max(from, to)}`))]);
      return merged(lists, since);
    },

    summary(entries: Entry[]): HistorySummary {
      const posts = entries.filter((entry) => entry.kind === 'daily' || entry.kind === 'plan');
      const poll = entries.find((entry) => entry.kind === 'poll')?.poll;
      return {
        discussed: posts.length,
        ...(posts[0] ? { lastDiscussed: posts.map(dayOf).sort().at(-1)! } : {}),
        ...(poll ? { poll } : {}),
        notes: entries.filter((entry) => entry.kind === 'note').length,
      };
    },

    /** What happened since `sinceMs` in the whole server, newest first: what /recap tells. */
    async since(guildId: string, sinceMs: number): Promise<Entry[]> {
      const dates: string[] = [];
      for (let day = Date.parse(utcDate(sinceMs)); day <= now(); day += DAY_MS) dates.push(utcDate(day));
      const [cutoff, days] = await Promise.all([cutoffOf(guildId), Promise.all(dates.map((date) => history.paragraphsOn(guildId, date)))]);
      const paragraphs = [...new Set(days.flat())].slice(0, MAX_PERIOD_PARAGRAPHS);
      return merged(await readAll(guildId, paragraphs), Math.max(sinceMs, cutoff));
    },

    /** A member's note on a passage or range (`ref` as formatted); the text is trimmed and must have 1 to 1,000 characters. */
    async addNote(guildId: string, authorId: string, ref: string, title: string, text: string): Promise<Entry> {
      const trimmed = text.trim();
      if (trimmed.length === 0) throw new UserError('A note needs some text: write what you want the group to keep about this passage.');
      if (trimmed.length > MAX_NOTE) throw new UserError(`A note has at most ${MAX_NOTE.toLocaleString('en')} characters; this one has ${trimmed.length.toLocaleString('en')}.`);
      const { articleId, from, to } = spanOfRef(ref) ?? {};
      if (articleId === undefined || from === undefined || to === undefined) throw new RangeError(`not a formatted reference: ${ref}`);
      if (to - from + 1 > MAX_SPAN) throw new UserError(`A note covers at most ${MAX_SPAN} paragraphs: try \`${articleId}:${from}-${from + MAX_SPAN - 1}\`.`);
      let noteId = newNoteId();
      while (await history.note(guildId, noteId)) noteId = newNoteId();
      const at = now();
      const entry: Entry = { id: `note:${noteId}`, kind: 'note', at, ref, title, note: { authorId, text: trimmed } };
      await record(guildId, entry, async (lists) => {
        // Every paragraph of a range, not only its first: notes on ranges would fill a paragraph past the bound otherwise.
        const full = lists.findIndex((list) => list.filter((old) => old.kind === 'note').length >= MAX_NOTES);
        if (full >= 0) {
          throw new UserError(`\`${articleId}:${from + full}\` has ${MAX_NOTES} notes, the most a passage keeps: an author can remove one with \`/note remove\`.`);
        }
        // Where the note is, written before it: a note is never stored without the way to remove it.
        await history.saveNote(guildId, noteId, { paragraphs: paragraphsOf(ref), authorId, at });
      });
      return entry;
    },

    /** Removes a note, for its author or a member with Manage Messages; `id` as shown (`#k3x9q2`) or bare. */
    async removeNote(guildId: string, id: string, userId: string, canManageMessages: boolean): Promise<Entry> {
      const noteId = id.trim().replace(/^#/, '').toLowerCase();
      if (!NOTE_ID.test(noteId)) throw new UserError('A note id is six letters and digits, like `#k3x9q2`: `/note list` shows them.');
      const unknown = new UserError(`This server has no note \`#${noteId}\`: \`/note list\` shows a passage's notes.`);
      const note = await history.note(guildId, noteId);
      if (!note) throw unknown;
      if (note.authorId !== userId && !canManageMessages) throw new UserError(`Only the note's author or a member with Manage Messages can remove note \`#${noteId}\`.`);
      return writes.run(guildId, async () => {
        const lists = await readAll(guildId, note.paragraphs);
        const removed = lists.flat().find((entry) => entry.id === `note:${noteId}`);
        await Promise.all(
          note.paragraphs.map((paragraph, at) => {
            const kept = lists[at]!.filter((entry) => entry.id !== `note:${noteId}`);
            return kept.length === lists[at]!.length ? undefined : history.saveEntries(guildId, paragraph, kept);
          }),
        );
        await history.deleteNote(guildId, noteId);
        if (!removed) throw unknown;
        return removed;
      });
    },

    /** Deletes what is past each server's `history_days`, for the servers given (those this process holds). */
    sweep,

    /** Sweeps soon after start-up, then every few hours, for the servers `guildIds` gives at the time. */
    start(guildIds: () => Iterable<string>): void {
      running = true;
      const run = () => {
        sweeping = sweep(guildIds()).finally(() => {
          if (running) timer = setTimeout(run, SWEEP_EVERY_MS).unref();
        });
      };
      timer = setTimeout(run, FIRST_SWEEP_MS).unref();
    },

    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await sweeping;
      await writes.idle();
    },

    /** The bot left the server: its history and notes go. */
    forgetGuild: (guildId: string) => writes.run(guildId, () => history.forgetGuild(guildId)),
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
