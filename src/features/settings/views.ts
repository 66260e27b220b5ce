import { EmbedBuilder, MessageFlags, type BaseMessageOptions } from 'discord.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { DEFAULT_SETTINGS, type SettingName, type Settings, type SettingsChange } from './service.js';

/** What each setting means, in the order `/settings show` lists them. */
const SETTING_DESCRIPTIONS: Record<SettingName, string> = {
  public_replies: 'lookups are visible to the channel unless a command says otherwise',
  results_per_page: 'search results on one page (1 to 10)',
  prompt_style: 'discussion prompts for quotes: critical, reflective or mixed',
  cooldown_seconds: 'seconds a member waits between posts to the channel (polls, public lookups, /daily now); 0 to 3600',
};

function settingFields(settings: Settings) {
  return (Object.keys(SETTING_DESCRIPTIONS) as SettingName[]).map((name) => ({
    name: `${name}: ${String(settings[name])}${settings[name] === DEFAULT_SETTINGS[name] ? ' (default)' : ''}`,
    value: SETTING_DESCRIPTIONS[name],
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
