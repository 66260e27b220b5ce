import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { entrySchema, type Entry } from './entry.js';

const snowflake = z.string().regex(/^\d{1,20}$/);
/** `<articleId>:<paragraph>`: one paragraph of one article. */
const paragraphKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}:\d{1,4}$/);

const passageSchema = z.object({ entries: z.array(entrySchema) });
const daySchema = z.object({ paragraphs: z.array(paragraphKey) });
/** The oldest day a server's day index may hold: where retention starts looking. */
const spanSchema = z.object({ oldest: z.iso.date() });
const noteIndexSchema = z.object({ paragraphs: z.array(paragraphKey).min(1), authorId: snowflake, at: z.number().int() });

export type NoteIndex = z.output<typeof noteIndexSchema>;

/** The UTC date of an instant, `YYYY-MM-DD`: the day index's buckets. */
export function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * A server's discussion history, in three namespaces whose keys all start with the server's id:
 * - `history`, `<guild>/<article>:<paragraph>`: the entries about that paragraph, oldest first;
 * - `history-days`, `<guild>/<YYYY-MM-DD>`: the paragraphs that got an entry that (UTC) day,
 *   which /recap reads for a period and retention for what is old;
 * - `history-notes`, `<guild>/<noteId>`: where a note is, to remove it by its id;
 * - `history-span`, `<guild>`: the oldest day indexed, so retention reads one server's days
 *   from there without listing every server's keys.
 * An unreadable record is set aside (records.ts) and reads as empty: one bad passage never
 * hides the others' history.
 */
export function createHistoryStore(store: Store, logger: Logger) {
  const passages = recordStore(store.namespace('history'), passageSchema, logger, 'passage history');
  const days = recordStore(store.namespace('history-days'), daySchema, logger, 'history day index');
  const notes = recordStore(store.namespace('history-notes'), noteIndexSchema, logger, 'note index');
  const spans = recordStore(store.namespace('history-span'), spanSchema, logger, 'history span');
  const key = (guildId: string, rest: string) => `${guildId}/${rest}`;
  const paragraphsOn = async (guildId: string, date: string) => (await days.get(key(guildId, date)))?.paragraphs ?? [];

  return {
    async entriesOf(guildId: string, paragraph: string): Promise<Entry[]> {
      return (await passages.get(key(guildId, paragraph)))?.entries ?? [];
    },
    async saveEntries(guildId: string, paragraph: string, entries: Entry[]): Promise<void> {
      if (entries.length > 0) await passages.set(key(guildId, paragraph), { entries });
      else await passages.delete(key(guildId, paragraph));
    },
    paragraphsOn,
    async addToDay(guildId: string, date: string, paragraphs: string[]): Promise<void> {
      const known = await paragraphsOn(guildId, date);
      const added = paragraphs.filter((paragraph) => !known.includes(paragraph));
      if (added.length > 0) await days.set(key(guildId, date), { paragraphs: [...known, ...added] });
    },
    deleteDay: (guildId: string, date: string) => days.delete(key(guildId, date)),
    /** The oldest day the server's index may hold; undefined when it has no history. */
    oldestDay: async (guildId: string) => (await spans.get(guildId))?.oldest,
    setOldestDay: (guildId: string, oldest: string) => spans.set(guildId, { oldest }),
    note: (guildId: string, noteId: string) => notes.get(key(guildId, noteId)),
    saveNote: (guildId: string, noteId: string, note: NoteIndex) => notes.set(key(guildId, noteId), note),
    deleteNote: (guildId: string, noteId: string) => notes.delete(key(guildId, noteId)),
    /** Everything of one server, found by key. */
    async forgetGuild(guildId: string): Promise<void> {
      const mine = (stored: string) => stored.startsWith(`${guildId}/`);
      for (const records of [passages, days, notes]) {
        for await (const [stored] of records.entries(mine)) await records.delete(stored);
      }
      await spans.delete(guildId);
    },
  };
}
