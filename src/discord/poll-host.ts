import type { Client } from 'discord.js';
import type { PollMessage } from '../features/polls/views.js';

/** What the poll service needs from Discord once a poll is posted. */
export interface PollHost {
  /** True for the servers this process (shard) serves. */
  holds(guildId: string): boolean;
  edit(channelId: string, messageId: string, message: PollMessage): Promise<void>;
  /** Posts a message in reply to the poll message. */
  reply(channelId: string, messageId: string, message: PollMessage): Promise<void>;
}

export function discordHost(client: Client): PollHost {
  const channel = async (channelId: string) => {
    const found = await client.channels.fetch(channelId);
    if (!found?.isSendable()) throw new Error(`channel ${channelId} cannot take messages`);
    return found;
  };
  return {
    holds: (guildId) => client.guilds.cache.has(guildId),
    async edit(channelId, messageId, message) {
      await (await channel(channelId)).messages.edit(messageId, message);
    },
    async reply(channelId, messageId, message) {
      await (await channel(channelId)).send({ ...message, reply: { messageReference: messageId, failIfNotExists: false } });
    },
  };
}
