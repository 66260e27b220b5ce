import { EmbedBuilder, type BaseMessageOptions } from 'discord.js';
import { DEFAULT_SETTINGS, SETTING_DESCRIPTIONS, type SettingName, type Settings, type SettingsChange } from './service.js';
import { COLOURS } from '../../lib/ui/palette.js';

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

export function settingsChangedView(change: SettingsChange): BaseMessageOptions {
  const lines = change.changed.map(({ name, from, to }) => `\`${name}\`: ${String(from)} → **${String(to)}**`);
  const summary = lines.length > 0 ? lines.join('\n') : 'Nothing changed: those were already the values.';
  return { ...settingsView(change.settings, 'Settings updated'), content: summary };
}
