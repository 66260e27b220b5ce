import { EmbedBuilder, MessageFlags, type BaseMessageOptions } from 'discord.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { DEFAULT_SETTINGS, type SettingName, type Settings, type SettingsChange } from './service.js';

const PROMPT_STYLES: Record<Settings['prompt_style'], string> = {
  critical: 'Quotes come with critical prompts: the claim, its evidence, who is speaking.',
  reflective: 'Quotes come with reflective prompts: what readers think, and what they would ask.',
  mixed: 'Quotes come with prompts of both styles, critical and reflective.',
};

/** What the value shown does (not what the setting could do), one sentence. */
function valueMeaning(settings: Settings, name: SettingName): string {
  switch (name) {
    case 'public_replies':
      return settings.public_replies
        ? 'Lookups are shown to the whole channel; a member can add `public:false` to see one alone.'
        : 'Lookups are shown only to the member who asks; they can add `public:true` to share one.';
    case 'results_per_page':
      return `Search shows ${settings.results_per_page} ${settings.results_per_page === 1 ? 'result' : 'results'} per page (1 to 10).`;
    case 'prompt_style':
      return PROMPT_STYLES[settings.prompt_style];
    case 'cooldown_seconds':
      return settings.cooldown_seconds === 0
        ? 'Members post to the channel (polls, public lookups, /daily now, notes) without waiting (0 to 3600 seconds).'
        : `A member waits ${settings.cooldown_seconds} ${settings.cooldown_seconds === 1 ? 'second' : 'seconds'} between posts to the channel: polls, public lookups, /daily now, notes (0 to 3600).`;
    case 'shipped_articles':
      return settings.shipped_articles
        ? "The articles that come with Marginalia are in this server's library, next to the ones its admins add."
        : "Only the articles this server's admins add are in its library; the ones that come with Marginalia are hidden.";
    case 'history_days':
      return `What the group discussed, its poll results and notes are kept ${settings.history_days} days, then deleted (30 to 3650).`;
  }
}

/** One field per setting, in the schema's order: its name and value, then what that value does. */
function settingFields(settings: Settings) {
  return (Object.keys(DEFAULT_SETTINGS) as SettingName[]).map((name) => ({
    name: `${name}: ${String(settings[name])}${settings[name] === DEFAULT_SETTINGS[name] ? ' (default)' : ''}`,
    value: valueMeaning(settings, name),
  }));
}

export function settingsView(settings: Settings, title = 'Settings of this server'): BaseMessageOptions {
  return {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle(title)
        .addFields(settingFields(settings))
        .setFooter({ text: 'Change them with /settings set, or go back to the defaults with /settings reset.' }),
    ],
  };
}

export function settingsResetView(settings: Settings): BaseMessageOptions {
  return settingsView(settings, 'Settings back to the defaults');
}

export function settingsChangedView(change: SettingsChange): BaseMessageOptions {
  const lines = change.changed.map(({ name, from, to }) => `\`${name}\`: ${String(from)} → **${String(to)}**`);
  const summary = lines.length > 0 ? lines.join('\n') : 'Nothing changed: those were already the values.';
  return { ...settingsView(change.settings, 'Settings updated'), content: summary };
}

/** `/settings set` and `reset` asked by a member without Manage Server. */
export function manageServerRefusal(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/settings ${subcommand}\`; \`/settings show\` is open to everyone.`;
}

/**
 * Lookups are private unless the caller asked for `public:true` or the server
 * turned `public_replies` on; an explicit `public:false` always wins.
 */
export function lookupFlags(settings: Settings, publicOption: boolean | null): MessageFlags.Ephemeral | undefined {
  return (publicOption ?? settings.public_replies) ? undefined : MessageFlags.Ephemeral;
}
