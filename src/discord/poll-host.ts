import { PermissionFlagsBits, type Client, type PermissionsBitField } from 'discord.js';
import type { PollHost } from '../features/polls/service.js';
import { pollResultsView, pollView } from '../features/polls/views.js';

/** The poll service's messages through discord.js: live edits of the poll, and its results in reply. */
export function discordHost(client: Client): PollHost {
  const channel = async (channelId: string) => {
    const found = await client.channels.fetch(channelId);
    if (!found?.isSendable()) throw new Error(`channel ${channelId} cannot take messages`);
    return found;
  };
  return {
    holds: (guildId) => client.guilds.cache.has(guildId),
    async show(poll) {
      await (await channel(poll.channelId)).messages.edit(poll.messageId, pollView(poll));
    },
    async announce(poll) {
      await (await channel(poll.channelId)).send({ ...pollResultsView(poll), reply: { messageReference: poll.messageId, failIfNotExists: false } });
    },
  };
}

/**
 * What the bot lacks, by the names in Discord's UI, to host a poll in a channel: it must
 * see, edit and answer its message later, not only reply now. Empty when it cannot tell.
 */
export function missingPollPermissions(bot: Readonly<PermissionsBitField> | null | undefined, inThread: boolean): string[] {
  if (!bot) return [];
  const needed: Array<[bigint, string]> = [
    [PermissionFlagsBits.ViewChannel, 'View Channel'],
    [inThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, inThread ? 'Send Messages in Threads' : 'Send Messages'],
    [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
    [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
  ];
  return needed.filter(([flag]) => !bot.has(flag)).map(([, name]) => name);
}
