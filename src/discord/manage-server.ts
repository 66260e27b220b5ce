import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import { UserError } from '../lib/errors.js';

/**
 * Refuses, with the feature's sentence, a member without Manage Server. Discord sets default
 * permissions per top-level command only, so admin subcommands and buttons are checked here,
 * from the permissions the interaction carries.
 */
export function requireManageServer(interaction: { memberPermissions: Readonly<PermissionsBitField> | null }, refusal: () => string): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserError(refusal());
}
