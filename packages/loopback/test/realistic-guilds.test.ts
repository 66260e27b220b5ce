import { ChannelType, DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, type Client, type GuildBasedChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type GuildRecord, type Loopback } from '../src/index.js';
import { connectClient } from '../src/client.js';

let lb: Loopback;
let client: Client<true>;
let realistic: GuildRecord;
let plain: GuildRecord;

beforeAll(async () => {
  lb = await startLoopback();
  realistic = lb.world.addGuild('Big reading group', { channels: 12, roles: 4, memberCount: 250 });
  plain = lb.world.addGuild('Small reading group');
  client = await connectClient(lb);
});

afterAll(async () => {
  await client?.destroy();
  await lb?.close();
});

const channelNamed = (guild: GuildRecord, name: string): GuildBasedChannel =>
  client.guilds.cache.get(guild.id)!.channels.cache.find((channel) => channel.name === name)!;

describe('loopback guilds of realistic size', () => {
  it('GIVEN addGuild with channels, roles and a member count THEN the client sees a dozen channels of mixed types under categories', () => {
    const guild = client.guilds.cache.get(realistic.id)!;
    expect(guild.channels.cache.size).toBe(12);
    const types = new Set(guild.channels.cache.map((channel) => channel.type));
    expect(types).toEqual(
      new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildVoice, ChannelType.GuildStageVoice, ChannelType.GuildCategory]),
    );
    expect(channelNamed(realistic, 'general').parent?.name).toBe('Reading');
    expect(channelNamed(realistic, 'Reading room').parent?.name).toBe('Voice');
    expect(guild.roles.cache.map((role) => role.name).sort()).toEqual(['@everyone', 'Events', 'Marginalia', 'Moderators', 'Readers', 'Regulars']);
    expect(guild.memberCount).toBe(250);
    // With the Guilds intent Discord sends the bot's own member only.
    expect(guild.members.cache.map((member) => member.id)).toEqual([lb.world.bot.id]);
  });

  it('GIVEN the overwrites of a realistic guild THEN the bot may read announcements but not send there, and cannot see the moderators channel', () => {
    const me = client.guilds.cache.get(realistic.id)!.members.me!;
    const general = channelNamed(realistic, 'general').permissionsFor(me);
    const announcements = channelNamed(realistic, 'announcements').permissionsFor(me);
    expect(general.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(announcements.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(announcements.has(PermissionFlagsBits.SendMessages)).toBe(false);
    // The world agrees with discord.js's own computation.
    const moderators = [...lb.world.channelsById.values()].find((c) => c.guildId === realistic.id && c.name === 'moderators')!;
    expect(channelNamed(realistic, 'moderators').permissionsFor(me).has(PermissionFlagsBits.ViewChannel)).toBe(false);
    expect(lb.world.permissionsIn(moderators.id, lb.world.bot.id)).toBe(0n);
  });

  it('GIVEN addGuild without options THEN the guild has only `general`, as before', () => {
    expect(client.guilds.cache.get(plain.id)!.channels.cache.map((channel) => channel.name)).toEqual(['general']);
  });

  it('GIVEN a category or a forum WHEN the bot sends a message there THEN Discord refuses it as a non-text channel', async () => {
    for (const name of ['Reading', 'questions']) {
      const id = channelNamed(realistic, name).id;
      const error = await client.rest.post(`/channels/${id}/messages`, { body: { content: 'hello' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiscordAPIError);
      expect((error as DiscordAPIError).code).toBe(RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel);
    }
  });
});
