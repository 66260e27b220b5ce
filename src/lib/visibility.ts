import { MessageFlags } from 'discord.js';
import type { SettingsStore } from './settings.js';

/**
 * Lookups are private unless the caller asked for `public:true` or the server
 * turned `public_replies` on; an explicit `public:false` always wins.
 */
export async function lookupFlags(settings: SettingsStore, guildId: string, publicOption: boolean | null): Promise<MessageFlags.Ephemeral | undefined> {
  const visible = publicOption ?? (await settings.get(guildId)).public_replies;
  return visible ? undefined : MessageFlags.Ephemeral;
}
