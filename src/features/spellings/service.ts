import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { quoteInput } from '../../lib/ui/limits.js';
import type { Library } from '../../library/library.js';
import { spellingFormSchema } from '../../library/spellings.js';
import { formKey, type Spellings } from '../../search/spellings.js';
import { lruCache } from '../settings/cache.js';

/** Enough for a group's own names and terms, few enough to list in one reply. */
export const MAX_SERVER_GROUPS = 50;
const MAX_FORMS = 8;

const recordSchema = z.strictObject({ groups: z.array(z.array(spellingFormSchema).min(2).max(MAX_FORMS)).max(MAX_SERVER_GROUPS) });
type Groups = string[][];

const pairSchema = z.strictObject({ form: spellingFormSchema, other: spellingFormSchema }).refine(({ form, other }) => formKey(form) !== formKey(other), {
  path: ['other'],
  error: 'reads as the same word as `form`: search already finds one from the other',
});

/** Forms as a member reads them in a reply: `Almaty`, `Alma-Ata`. */
export const listed = (forms: readonly string[]) => forms.map((form) => `\`${quoteInput(form)}\``).join(', ');

/** What `/spelling list` shows: the server's own groups and the ones that come with the articles. */
export interface SpellingLists {
  own: Groups;
  shipped: ReadonlyArray<readonly string[]>;
}

interface SpellingsDeps {
  store: Store;
  logger: Logger;
  library: Library;
  /** How many servers' spellings are kept in memory (the most recently used). */
  cacheSize?: number;
}

export type SpellingsService = ReturnType<typeof createSpellingsService>;

/**
 * A server's own other spellings (`/spelling add`), one record per server in the `spellings`
 * namespace, added to its library's list for its searches only. Read from memory after the
 * first search, like settings: every change goes through here, and one server's changes run
 * one after another.
 */
export function createSpellingsService({ store, logger, library, cacheSize = 10_000 }: SpellingsDeps) {
  const records = recordStore(store.namespace('spellings'), recordSchema, logger, 'spellings');
  const cache = lruCache<Groups>(cacheSize);
  const merged = lruCache<{ base: Spellings; own: Groups; spellings: Spellings }>(cacheSize);
  const changes = createKeyedQueue();

  async function own(guildId: string): Promise<Groups> {
    const cached = cache.get(guildId);
    if (cached) return cached;
    const groups = (await records.get(guildId))?.groups ?? [];
    cache.set(guildId, groups);
    return groups;
  }

  async function save(guildId: string, groups: Groups): Promise<void> {
    if (groups.length === 0) await records.delete(guildId);
    else await records.set(guildId, { groups });
    cache.set(guildId, groups);
  }

  const holding = (groups: Groups, form: string) => groups.findIndex((group) => group.some((other) => formKey(other) === formKey(form)));

  return {
    /** The spellings a search of this server uses: its library's list and its own. */
    async forSearch(guildId: string): Promise<Spellings> {
      const [{ spellings: base }, groups] = await Promise.all([library.forGuild(guildId), own(guildId)]);
      const known = merged.get(guildId);
      if (known && known.base === base && known.own === groups) return known.spellings;
      const spellings = base.with(groups);
      merged.set(guildId, { base, own: groups, spellings });
      return spellings;
    },

    async list(guildId: string): Promise<SpellingLists> {
      const [{ spellings }, groups] = await Promise.all([library.forGuild(guildId), own(guildId)]);
      return { own: groups, shipped: spellings.groups };
    },

    /** `/spelling add`: two forms become one for search; a form already in a group brings the other into it. The group as it is now. */
    async add(guildId: string, input: { form: string; other: string }): Promise<string[]> {
      const { form, other } = parseInput(pairSchema, input, 'form');
      return changes.run(guildId, async () => {
        const groups = [...(await own(guildId))];
        const [first, second] = [holding(groups, form), holding(groups, other)];
        if (first >= 0 && first === second) throw new UserError(`${listed(groups[first]!)} are already one spelling group on this server.`);
        const joined = [...(first >= 0 ? groups[first]! : [form]), ...(second >= 0 ? groups[second]! : [other])];
        if (joined.length > MAX_FORMS) throw new UserError(`A spelling group holds at most ${MAX_FORMS} forms: remove one with \`/spelling remove\` first.`);
        const rest = groups.filter((_, at) => at !== first && at !== second);
        if (rest.length >= MAX_SERVER_GROUPS) throw new UserError(`This server has ${MAX_SERVER_GROUPS} spelling groups, the most it keeps: remove one with \`/spelling remove\` first.`);
        await save(guildId, [...rest, joined]);
        return joined;
      });
    },

    /** `/spelling remove`: one form out of its group (a group left with one form goes). The group left, possibly empty. */
    async remove(guildId: string, input: string): Promise<string[]> {
      const form = parseInput(spellingFormSchema, input, 'form');
      return changes.run(guildId, async () => {
        const groups = await own(guildId);
        const at = holding(groups, form);
        if (at < 0) throw new UserError(`\`${quoteInput(form)}\` is not one of this server's own spellings: \`/spelling list\` shows them.`);
        const left = groups[at]!.filter((other) => formKey(other) !== formKey(form));
        await save(guildId, groups.flatMap((group, index) => (index !== at ? [group] : left.length >= 2 ? [left] : [])));
        return left.length >= 2 ? left : [];
      });
    },

    /** The bot was removed from a server: its spellings go. */
    async forgetGuild(guildId: string): Promise<void> {
      await records.delete(guildId);
      cache.delete(guildId);
      merged.delete(guildId);
    },
  };
}
