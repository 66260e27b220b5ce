import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import { UserError } from '../../lib/errors.js';

/**
 * A poll needs the bot to see, edit and answer its message later, not only to
 * reply now; refuse at once rather than leave a poll that can never close visibly.
 */
export function checkPollPermissions(bot: Readonly<PermissionsBitField> | null | undefined, inThread: boolean): void {
  if (!bot) return;
  const needed: Array<[bigint, string]> = [
    [PermissionFlagsBits.ViewChannel, 'View Channel'],
    [inThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, inThread ? 'Send Messages in Threads' : 'Send Messages'],
    [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
    [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
  ];
  const missing = needed.filter(([flag]) => !bot.has(flag)).map(([, name]) => name);
  if (missing.length > 0) {
    throw new UserError(`I need ${missing.join(', ')} in this channel to run a poll here (to update it and post its results); ask an admin to allow it.`);
  }
}
