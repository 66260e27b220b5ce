import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { PROMPT_STYLE_CHOICES } from '../../library/prompts.js';
import { lruCache } from './cache.js';

/** One message for every way a number can miss its range: the option and the range in one sentence. */
function wholeNumber(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const fields = {
  public_replies: z.boolean({ error: 'must be true or false' }),
  results_per_page: wholeNumber(1, 10),
  prompt_style: z.enum(PROMPT_STYLE_CHOICES, { error: `must be one of ${PROMPT_STYLE_CHOICES.join(', ')}` }),
  cooldown_seconds: wholeNumber(0, 3600),
  shipped_articles: z.boolean({ error: 'must be true or false' }),
  history_days: wholeNumber(30, 3650),
};

const settingsSchema = z.strictObject({
  public_replies: fields.public_replies.default(false),
  results_per_page: fields.results_per_page.default(5),
  prompt_style: fields.prompt_style.default('mixed'),
  cooldown_seconds: fields.cooldown_seconds.default(10),
  shipped_articles: fields.shipped_articles.default(true),
  history_days: fields.history_days.default(365),
});

/** What `/settings set` may change: any of the settings, each validated. */
const settingsPatchSchema = z.strictObject(fields).partial();

export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof Settings;
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export interface SettingsChange {
  settings: Settings;
  changed: Array<{ name: SettingName; from: Settings[SettingName]; to: Settings[SettingName] }>;
}

interface SettingsServiceDeps {
  store: Store;
  logger: Logger;
  /** How many servers' settings are kept in memory (the most recently used). */
  cacheSize?: number;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

/**
 * Per-server settings, one record per guild in the `settings` namespace, answered from
 * memory after the first read: lookups need `public_replies` before their first response.
 * The cache is right because every change goes through here (write-through), and all
 * interactions of a server reach the same shard process, so no other process changes a
 * server's settings behind this one's back.
 */
export function createSettingsService({ store, logger, cacheSize = 10_000 }: SettingsServiceDeps) {
  const records = recordStore(store.namespace('settings'), settingsSchema, logger, 'settings');
  const cache = lruCache<Settings>(cacheSize);
  // One store read per server however many interactions arrive at once; a write makes a read in flight stale.
  const loading = new Map<string, Promise<Settings>>();

  const remember = (guildId: string, settings: Settings) => {
    loading.delete(guildId);
    cache.set(guildId, settings);
  };

  async function load(guildId: string): Promise<Settings> {
    const cached = cache.get(guildId);
    if (cached) return cached;
    let pending = loading.get(guildId);
    if (!pending) {
      pending = records.get(guildId).then((stored) => stored ?? DEFAULT_SETTINGS);
      loading.set(guildId, pending);
      const mine = pending;
      void mine.then(
        (settings) => loading.get(guildId) === mine && remember(guildId, settings),
        () => loading.get(guildId) === mine && loading.delete(guildId),
      );
    }
    return pending;
  }

  return {
    get: load,
    /** `/settings set`: at least one setting, each validated; tells what really changed. */
    async update(guildId: string, input: unknown): Promise<SettingsChange> {
      const patch = parseInput(settingsPatchSchema, input, '/settings set');
      const names = Object.keys(patch) as SettingName[];
      if (names.length === 0) throw new UserError('Choose at least one setting to change, e.g. `/settings set results_per_page:8`.');
      const before = await load(guildId);
      const settings = settingsSchema.parse({ ...before, ...patch });
      await records.set(guildId, settings);
      remember(guildId, settings);
      const changed = names
        .filter((name) => before[name] !== settings[name])
        .map((name) => ({ name, from: before[name], to: settings[name] }));
      return { settings, changed };
    },
    async reset(guildId: string): Promise<Settings> {
      await records.delete(guildId);
      remember(guildId, DEFAULT_SETTINGS);
      return DEFAULT_SETTINGS;
    },
    async forgetGuild(guildId: string): Promise<void> {
      await records.delete(guildId);
      loading.delete(guildId);
      cache.delete(guildId);
    },
  };
}
