import { Client, GatewayIntentBits, Options } from 'discord.js';
import type { Config } from '../lib/config.js';

// What the bot reads from discord.js's caches: guilds, their text channels with permission
// overwrites (channel.permissionsFor, the daily post's checks), their roles (the daily post's
// ping role, permissions) and its own member and user (permissions). Channels, roles, guilds and
// overwrites keep discord.js's caches: it does not support limiting them. Everything else is
// kept at nothing, so that what interactions, sends and edits bring in (the members and users of
// every voter, the messages the bot posts and edits) is not held for the life of the process.
const NOTHING = 0;
// Threads stay cached while active (a poll in a thread checks Send Messages in Threads on its
// channel); an archived one is dropped within the hour, where discord.js's default keeps it 4 hours.
const HOUR_S = 3_600;

/** The discord.js client: Guilds intent only, nothing pings unless a message says so, caches as above. */
export function createClient(config: Pick<Config, 'DISCORD_API_URL'>): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.DISCORD_API_URL },
    allowedMentions: { parse: [], repliedUser: false },
    makeCache: Options.cacheWithLimits({
      ApplicationCommandManager: NOTHING,
      ApplicationEmojiManager: NOTHING,
      AutoModerationRuleManager: NOTHING,
      BaseGuildEmojiManager: NOTHING,
      DMMessageManager: NOTHING,
      EntitlementManager: NOTHING,
      GuildBanManager: NOTHING,
      GuildEmojiManager: NOTHING,
      GuildInviteManager: NOTHING,
      GuildMessageManager: NOTHING,
      GuildScheduledEventManager: NOTHING,
      GuildStickerManager: NOTHING,
      MessageManager: NOTHING,
      PresenceManager: NOTHING,
      ReactionManager: NOTHING,
      ReactionUserManager: NOTHING,
      StageInstanceManager: NOTHING,
      ThreadMemberManager: NOTHING,
      VoiceStateManager: NOTHING,
      GuildMemberManager: { maxSize: NOTHING, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: NOTHING, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
    sweepers: { threads: { interval: HOUR_S, lifetime: HOUR_S } },
  });
}
