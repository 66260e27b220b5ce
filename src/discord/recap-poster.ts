import { createHash } from 'node:crypto';
import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, type Client } from 'discord.js';
import { linkOf } from '../features/recap/assemble.js';
import { RecapRefused, type RecapPoster } from '../features/recap/service.js';
import { recapView } from '../features/recap/views.js';
import { checkLinks } from './links.js';

const REFUSED = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
]);

/** The same for every request of that channel and date: a send repeated within minutes gets the message already made (`enforce_nonce`). */
function nonceOf(channelId: string, date: string): string {
  return createHash('sha256').update(`recap:${channelId}:${date}`).digest('base64url').slice(0, 25);
}

/** The weekly recap through discord.js: links checked with the bot's REST client, the recap sent to the daily post's channel. */
export function discordRecapPoster(client: Client): RecapPoster {
  return {
    holdsGuild: (guildId) => client.guilds.cache.has(guildId),
    async links(guildId, entries) {
      const checked = await checkLinks(client, entries.map((entry) => ({ guildId, ...entry })));
      return checked.map(linkOf);
    },
    async send(channelId, date, recap) {
      const channel = client.channels.cache.get(channelId);
      if (!channel || channel.type !== ChannelType.GuildText) throw new RecapRefused(`The channel <#${channelId}> was deleted, or I can no longer see it.`);
      try {
        const sent = await channel.send({ ...recapView(recap, true), nonce: nonceOf(channelId, date), enforceNonce: true });
        return { messageId: sent.id };
      } catch (error) {
        if (error instanceof DiscordAPIError && REFUSED.has(Number(error.code))) throw new RecapRefused(`Discord refused the recap in <#${channelId}>: ${error.message}.`);
        throw error;
      }
    },
  };
}
