import { MessageFlags } from 'discord.js';
import type { Settings } from './service.js';

/**
 * Lookups are private unless the caller asked for `public:true` or the server
 * turned `public_replies` on; an explicit `public:false` always wins.
 */
export function lookupFlags(settings: Settings, publicOption: boolean | null): MessageFlags.Ephemeral | undefined {
  return (publicOption ?? settings.public_replies) ? undefined : MessageFlags.Ephemeral;
}
