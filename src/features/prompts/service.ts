import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import type { Library } from '../../library/library.js';
import { promptId, promptTextSchema, type Prompt } from '../../library/prompts.js';
import { formatRef, resolveReference } from '../../library/references.js';

/** Enough for a group's own questions, few enough to page through in `/prompt list`. */
export const MAX_SERVER_PROMPTS = 100;
/** Suggestions waiting for review, per member and in all. */
export const MAX_WAITING_PER_MEMBER = 3;
const MAX_WAITING = 25;

// `p-` keeps a server prompt's id apart from the shipped prompts' ids (plain base 36), in the
// daily rotation's memory too, even for a text that is also in prompts.yaml.
const ID = /^p-[0-9a-z]{1,7}$/;
const serverPromptId = (text: string) => `p-${promptId(text)}`;

const entrySchema = z.strictObject({
  id: z.string().regex(ID),
  text: promptTextSchema,
  /** The reference as shown, e.g. `former-kazakhstan:2-3`, and its paragraphs one by one. */
  ref: z.string().min(1).optional(),
  refs: z.array(z.string().min(1)),
  /** Who added or suggested it, and when. */
  by: z.string().regex(/^\d{1,20}$/),
  at: z.iso.datetime(),
});
export type ServerPromptEntry = z.output<typeof entrySchema>;

const recordSchema = z.strictObject({
  prompts: z.array(entrySchema).max(MAX_SERVER_PROMPTS),
  waiting: z.array(entrySchema).max(MAX_WAITING),
});
type PromptsRecord = z.output<typeof recordSchema>;
const EMPTY: PromptsRecord = { prompts: [], waiting: [] };

const idSchema = z.string().trim().toLowerCase().regex(ID, 'should be a prompt id as `/prompt list` shows it, e.g. p-1k3x9a');
const inputSchema = z.strictObject({ text: promptTextSchema, ref: z.string().trim().min(1).max(100).optional() });
export type PromptInput = z.input<typeof inputSchema>;

export type Verdict = 'approve' | 'reject';

interface ServerPromptsDeps {
  store: Store;
  logger: Logger;
  library: Library;
  /** Told after the approved prompts of a server changed (the library drops what it cached). */
  onChange(guildId: string): void;
}

export type ServerPrompts = ReturnType<typeof createServerPrompts>;

/**
 * A server's own discussion prompts (`/prompt`, SPEC section 10): one record per server in
 * the `prompts` namespace, with the approved prompts and the suggestions waiting for review.
 * One server's changes run one after another, so two clicks never lose each other's work.
 */
export function createServerPrompts({ store, logger, library, onChange }: ServerPromptsDeps) {
  const records = recordStore(store.namespace('prompts'), recordSchema, logger, 'prompts');
  const changes = createKeyedQueue();

  const read = async (guildId: string): Promise<PromptsRecord> => (await records.get(guildId)) ?? EMPTY;
  const save = async (guildId: string, record: PromptsRecord): Promise<void> => {
    if (record.prompts.length === 0 && record.waiting.length === 0) await records.delete(guildId);
    else await records.set(guildId, record);
  };

  /** A checked entry: the text's rules, and the reference resolved in the server's own library. */
  async function entryFor(guildId: string, userId: string, input: PromptInput): Promise<ServerPromptEntry> {
    const { text, ref } = parseInput(inputSchema, input, 'text');
    const base = { id: serverPromptId(text), text, by: userId, at: new Date().toISOString() };
    if (ref === undefined) return { ...base, refs: [] };
    const range = resolveReference((await library.forGuild(guildId)).corpus, ref);
    return { ...base, ref: formatRef(range.article.id, range.from, range.to), refs: range.passages.map((passage) => passage.ref) };
  }

  function refuseDuplicate(record: PromptsRecord, entry: ServerPromptEntry): void {
    if (record.prompts.some((prompt) => prompt.id === entry.id)) throw new UserError(`This server already has that prompt (\`${entry.id}\`): \`/prompt list\` shows them.`);
    if (record.waiting.some((prompt) => prompt.id === entry.id)) throw new UserError('That prompt is already waiting for review.');
  }

  function refuseFull(record: PromptsRecord): void {
    if (record.prompts.length >= MAX_SERVER_PROMPTS) {
      throw new UserError(`This server has ${MAX_SERVER_PROMPTS} prompts of its own, the most it keeps: remove one with \`/prompt remove\` first.`);
    }
  }

  return {
    /** `/prompt add` (Manage Server): the prompt joins the server's rotation at once. */
    async add(guildId: string, userId: string, input: PromptInput): Promise<ServerPromptEntry> {
      const entry = await entryFor(guildId, userId, input);
      const added = await changes.run(guildId, async () => {
        const record = await read(guildId);
        refuseDuplicate(record, entry);
        refuseFull(record);
        await save(guildId, { ...record, prompts: [...record.prompts, entry] });
        return entry;
      });
      onChange(guildId);
      return added;
    },

    /** `/prompt suggest` (anyone): queued for an admin's review, at most MAX_WAITING_PER_MEMBER per member. */
    async suggest(guildId: string, userId: string, input: PromptInput): Promise<ServerPromptEntry> {
      const entry = await entryFor(guildId, userId, input);
      return changes.run(guildId, async () => {
        const record = await read(guildId);
        refuseDuplicate(record, entry);
        if (record.waiting.filter((prompt) => prompt.by === userId).length >= MAX_WAITING_PER_MEMBER) {
          throw new UserError(`You have ${MAX_WAITING_PER_MEMBER} suggestions waiting for review already: suggest another once an admin has looked at them.`);
        }
        if (record.waiting.length >= MAX_WAITING) throw new UserError(`${MAX_WAITING} suggestions are waiting for review already: try again once an admin has looked at them.`);
        await save(guildId, { ...record, waiting: [...record.waiting, entry] });
        return entry;
      });
    },

    /** The suggestions waiting for review, oldest first. */
    async waiting(guildId: string): Promise<ServerPromptEntry[]> {
      return (await read(guildId)).waiting;
    },

    /** Approve / Reject of `/prompt review`: the suggestion leaves the queue, into the rotation when approved. */
    async review(guildId: string, id: string, verdict: Verdict): Promise<{ entry: ServerPromptEntry; waiting: ServerPromptEntry[] }> {
      const result = await changes.run(guildId, async () => {
        const record = await read(guildId);
        const entry = record.waiting.find((prompt) => prompt.id === id);
        if (!entry) throw new UserError('That suggestion is no longer waiting: someone has reviewed it already.');
        const waiting = record.waiting.filter((prompt) => prompt.id !== id);
        if (verdict === 'approve') {
          refuseFull(record);
          await save(guildId, { prompts: [...record.prompts.filter((prompt) => prompt.id !== id), entry], waiting });
        } else {
          await save(guildId, { ...record, waiting });
        }
        return { entry, waiting };
      });
      if (verdict === 'approve') onChange(guildId);
      return result;
    },

    /** The server's approved prompts, in the order added. */
    async list(guildId: string): Promise<ServerPromptEntry[]> {
      return (await read(guildId)).prompts;
    },

    /** `/prompt remove` (Manage Server): the prompt leaves the rotation. */
    async remove(guildId: string, input: string): Promise<ServerPromptEntry> {
      const id = parseInput(idSchema, input, 'id');
      const removed = await changes.run(guildId, async () => {
        const record = await read(guildId);
        const entry = record.prompts.find((prompt) => prompt.id === id);
        if (!entry) throw new UserError(`This server has no prompt \`${id}\`: \`/prompt list\` shows their ids.`);
        await save(guildId, { ...record, prompts: record.prompts.filter((prompt) => prompt.id !== id) });
        return entry;
      });
      onChange(guildId);
      return removed;
    },

    /**
     * The approved prompts as the library's rotation takes them: one tied to a reference is
     * shown with quotes of its passages, the others with any quote. Reads the store only: the
     * library calls this while it builds the server's shelf.
     */
    async forLibrary(guildId: string): Promise<Prompt[]> {
      return (await read(guildId)).prompts.map((entry, index) => ({ number: index + 1, id: entry.id, text: entry.text, style: 'critical', refs: entry.refs, server: true }));
    },

    /** The bot was removed from a server: its prompts and suggestions go. */
    async forgetGuild(guildId: string): Promise<void> {
      await records.delete(guildId);
      onChange(guildId);
    },
  };
}
