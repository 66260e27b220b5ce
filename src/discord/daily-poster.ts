import { createHash } from 'node:crypto';
import {
  ChannelType,
  DiscordAPIError,
  HTTPError,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  SnowflakeUtil,
  ThreadAutoArchiveDuration,
  type Client,
  type PermissionsBitField,
  type TextChannel,
} from 'discord.js';
import { PostRefused, type DailyPoster } from '../features/daily/service.js';
import { dailyPostView, isDailyPostOf, threadName } from '../features/daily/views.js';

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
// A post of a stopped try is looked for among this many messages after it began (10 pages of 100).
const SEARCH_PAGES = 10;

/** Why Discord refused a request, when it is a refusal that will not pass by itself. */
function refusal(error: unknown): string | undefined {
  return error instanceof DiscordAPIError && REFUSED.has(Number(error.code)) ? error.message : undefined;
}

/** A failed request as one short clause: Discord's answer, or what went wrong on the way. */
function failure(error: unknown): Error {
  if (error instanceof HTTPError) return new Error(`Discord answered ${error.status} ${error.message}`);
  if (error instanceof DiscordAPIError) return new Error(`Discord answered ${error.status}: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The post's nonce, the same for every request of that channel and date: with `enforce_nonce`
 * Discord returns the message already made instead of a second one when a send is repeated
 * within minutes (an answer lost on the way back, then retried). At most 25 characters.
 */
function nonceOf(channelId: string, date: string): string {
  return createHash('sha256').update(`daily:${channelId}:${date}`).digest('base64url').slice(0, 25);
}

async function startThread(channel: TextChannel, messageId: string, name: string) {
  try {
    await channel.threads.create({ startMessage: messageId, name, autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
    return undefined;
  } catch (error) {
    const refused = refusal(error);
    return { reason: refused ? `Discord refused the thread in <#${channel.id}>: ${refused}.` : failure(error).message, refused: refused !== undefined };
  }
}

/** The daily post through discord.js: the bot's permissions come from the channel, never a fetched member. */
export function discordPoster(client: Client): DailyPoster {
  const textChannel = (channelId: string): TextChannel => {
    const channel = client.channels.cache.get(channelId);
    if (!channel || channel.type !== ChannelType.GuildText) throw new PostRefused(`The channel <#${channelId}> was deleted, or I can no longer see it.`);
    return channel;
  };
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
    hasRole: (guildId, roleId) => client.guilds.cache.get(guildId)?.roles.cache.has(roleId) ?? false,
    async send(channelId, post) {
      const { message, threadName: name } = dailyPostView(post);
      const channel = textChannel(channelId);
      let sent;
      try {
        sent = await channel.send({ ...message, nonce: nonceOf(channelId, post.date), enforceNonce: true });
      } catch (error) {
        const refused = refusal(error);
        if (refused) throw new PostRefused(`Discord refused the post in <#${channelId}>: ${refused}.`);
        throw failure(error);
      }
      const threadFailure = name ? await startThread(channel, sent.id, name) : undefined;
      return { messageId: sent.id, ...(threadFailure ? { threadFailure } : {}) };
    },
    async findPost(channelId, date, since) {
      const channel = textChannel(channelId);
      const me = client.user!.id;
      // Without it Discord lists no messages, which would look like "not posted".
      if (!channel.permissionsFor(me)?.has(PermissionFlagsBits.ReadMessageHistory)) {
        throw new PostRefused(`I could not check whether the post of ${date} went out: I am missing the **Read Message History** permission in <#${channelId}>.`);
      }
      // A minute before the try began, for clocks that differ between machines.
      let after = SnowflakeUtil.generate({ timestamp: +since - 60_000 }).toString();
      for (let page = 0; page < SEARCH_PAGES; page++) {
        let messages;
        try {
          messages = await channel.messages.fetch({ after, limit: 100, cache: false });
        } catch (error) {
          const refused = refusal(error);
          if (refused) throw new PostRefused(`I could not read <#${channelId}> to check whether the post of ${date} went out: ${refused}.`);
          throw failure(error);
        }
        const mine = messages.find((message) => message.author.id === me && isDailyPostOf(message.embeds[0], date));
        if (mine) return { messageId: mine.id, hasThread: mine.hasThread || mine.thread !== null };
        if (messages.size < 100) return undefined;
        after = messages.reduce((newest, message) => (BigInt(message.id) > BigInt(newest) ? message.id : newest), after);
      }
      throw new PostRefused(`I could not check whether the post of ${date} went out: over ${SEARCH_PAGES * 100} messages came in <#${channelId}> after it was started.`);
    },
    startThread: (channelId, messageId, post) => startThread(textChannel(channelId), messageId, threadName(post.card.prompt)),
  };
}
