import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { PROMPT_STYLE_CHOICES } from '../../library/prompts.js';

const fields = {
  public_replies: z.boolean(),
  results_per_page: z.number().int().min(1).max(10),
  prompt_style: z.enum(PROMPT_STYLE_CHOICES),
};

const settingsSchema = z.strictObject({
  public_replies: fields.public_replies.default(false),
  results_per_page: fields.results_per_page.default(5),
  prompt_style: fields.prompt_style.default('mixed'),
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
}

export type SettingsService = ReturnType<typeof createSettingsService>;

/** Per-server settings, one record per guild in the `settings` namespace. */
export function createSettingsService({ store, logger }: SettingsServiceDeps) {
  const records = recordStore(store.namespace('settings'), settingsSchema, logger, 'settings');
  return {
    async get(guildId: string): Promise<Settings> {
      return (await records.get(guildId)) ?? DEFAULT_SETTINGS;
    },
    /** `/settings set`: at least one setting, each validated; tells what really changed. */
    async update(guildId: string, input: unknown): Promise<SettingsChange> {
      const patch = parseInput(settingsPatchSchema, input, 'settings');
      const names = Object.keys(patch) as SettingName[];
      if (names.length === 0) throw new UserError('Choose at least one setting to change, e.g. `/settings set results_per_page:8`.');
      const before = (await records.get(guildId)) ?? DEFAULT_SETTINGS;
      const settings = settingsSchema.parse({ ...before, ...patch });
      await records.set(guildId, settings);
      const changed = names
        .filter((name) => before[name] !== settings[name])
        .map((name) => ({ name, from: before[name], to: settings[name] }));
      return { settings, changed };
    },
    async reset(guildId: string): Promise<Settings> {
      await records.delete(guildId);
      return DEFAULT_SETTINGS;
    },
    async forgetGuild(guildId: string): Promise<void> {
      await records.delete(guildId);
    },
  };
}
