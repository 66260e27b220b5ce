import {
  ChannelType,
  DiscordAPIError,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  type Client,
  type PermissionsBitField,
} from 'discord.js';
import { PostRefused, type DailyPoster } from '../features/daily/service.js';
import { dailyPostView } from '../features/daily/views.js';

const PERMISSION_NAMES = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
] as const;

/** The permissions the daily post needs that `permissions` lacks, by their names in Discord's UI. */
export function missingPermissions(permissions: Readonly<PermissionsBitField>, thread: boolean): string[] {
  return PERMISSION_NAMES.filter(([flag]) => (thread || flag !== PermissionFlagsBits.CreatePublicThreads) && !permissions.has(flag, true)).map(
    ([, name]) => name,
  );
}

export function describeMissing(missing: string[], channelId: string): string {
  const list = missing.map((name) => `**${name}**`).join(', ');
  return `I am missing the ${list} permission${missing.length > 1 ? 's' : ''} in <#${channelId}>.`;
}

const GONE = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.UnknownGuild, RESTJSONErrorCodes.MissingAccess]);
const REFUSED = new Set<number>([...GONE, RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel]);

/** The daily post through discord.js: the bot's permissions come from the channel, never a fetched member. */
export function discordPoster(client: Client): DailyPoster {
  return {
    holdsGuild: (guildId) => client.guilds.cache.has(guildId),
    async checkChannel(guildId, channelId, thread) {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return 'I am no longer in this server.';
      const channel =
        guild.channels.cache.get(channelId) ??
        (await guild.channels.fetch(channelId).catch((error: unknown) => {
          if (error instanceof DiscordAPIError && GONE.has(Number(error.code))) return null;
          throw error;
        }));
      if (!channel) return `The channel <#${channelId}> was deleted, or I can no longer see it.`;
      if (channel.type !== ChannelType.GuildText) return `<#${channelId}> is not a text channel.`;
      const permissions = client.user ? channel.permissionsFor(client.user) : null;
      if (!permissions) return `I cannot tell my permissions in <#${channelId}>.`;
      const missing = missingPermissions(permissions, thread);
      return missing.length > 0 ? describeMissing(missing, channelId) : undefined;
    },
    async send(channelId, post) {
      const { message, threadName } = dailyPostView(post);
      const channel = client.channels.cache.get(channelId);
      if (!channel || channel.type !== ChannelType.GuildText) throw new PostRefused(`The channel <#${channelId}> was deleted, or I can no longer see it.`);
      let sent;
      try {
        sent = await channel.send(message);
      } catch (error) {
        if (error instanceof DiscordAPIError && REFUSED.has(Number(error.code))) {
          throw new PostRefused(`Discord refused the post in <#${channelId}>: ${error.message}.`);
        }
        throw error;
      }
      if (!threadName) return { messageId: sent.id };
      try {
        await sent.startThread({ name: threadName, autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
        return { messageId: sent.id };
      } catch (error) {
        return { messageId: sent.id, threadFailure: (error as Error).message };
      }
    },
  };
}
