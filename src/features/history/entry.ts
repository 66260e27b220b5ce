import { z } from 'zod';

const snowflake = z.string().regex(/^\d{1,20}$/);
/** A reference as formatted (`article:4`, `article:3-5`): what an entry covers. */
const REFERENCE = /^([a-z0-9][a-z0-9-]{0,59}):(\d{1,4})(?:-(\d{1,4}))?$/;

export const MAX_NOTE = 1_000;

/**
 * One thing that happened to a passage: a daily or reading-plan post, a `/poll passage`,
 * a note. It carries what it showed (title, prompt, counts, note text), so it stays
 * readable after the article or the message is gone.
 */
export const entrySchema = z.object({
  /** `daily:<date>` (one post per local date, daily or plan), `poll:<pollId>`, `note:<noteId>`: recording again replaces. */
  id: z.string().regex(/^(?:daily:\d{4}-\d{2}-\d{2}|poll:[a-z0-9]{6,16}|note:[a-z0-9]{6})$/),
  kind: z.enum(['daily', 'plan', 'poll', 'note']),
  /** When it happened, ms since the epoch. */
  at: z.number().int().min(0),
  ref: z.string().regex(REFERENCE),
  /** The article's title then. */
  title: z.string().min(1).max(300),
  channelId: snowflake.optional(),
  messageId: snowflake.optional(),
  /** The thread started on the message (on Discord it has the message's id). */
  threadId: snowflake.optional(),
  /** Daily and plan posts: the discussion prompt shown. */
  prompt: z.string().max(1_000).optional(),
  poll: z
    .object({
      options: z.array(z.string().min(1).max(100)).min(1).max(10),
      counts: z.array(z.number().int().min(0)).max(10),
      voters: z.number().int().min(0),
      closed: z.boolean(),
    })
    .optional(),
  note: z.object({ authorId: snowflake, text: z.string().min(1).max(MAX_NOTE) }).optional(),
});

export type Entry = z.output<typeof entrySchema>;

/** A link to an entry's message or thread: `deleted` when Discord says it is gone (then it is shown as text). */
interface Link {
  url: string;
  deleted: boolean;
}

/** What Discord says now of an entry's message and thread (src/discord/links.ts asks); `messageCount` is the thread's replies. */
export interface EntryLinks {
  message?: Link;
  thread?: Link & { messageCount?: number };
}

/** The article and paragraphs of a formatted reference; undefined for anything else. */
export function spanOfRef(ref: string): { articleId: string; from: number; to: number } | undefined {
  const [, articleId, from, to] = REFERENCE.exec(ref) ?? [];
  if (!articleId || from === undefined) return undefined;
  return { articleId, from: Number(from), to: Number(to ?? from) };
}

/** The day an entry belongs to: a post's local date (its id carries it), else the UTC date it happened. */
export function dayOf(entry: Pick<Entry, 'id' | 'at'>): string {
  return entry.id.startsWith('daily:') ? entry.id.slice('daily:'.length) : new Date(entry.at).toISOString().slice(0, 10);
}
