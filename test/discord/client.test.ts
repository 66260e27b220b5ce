import { once } from 'node:events';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, PermissionFlagsBits, type Client, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type GuildRecord, type Loopback } from '@marginalia/loopback';
import { createClient } from '../../src/discord/client.js';

// The bot's client on the loopback Discord, with a server of realistic size: what its caches
// keep after start-up and after members click, and what the permission checks still read.

let lb: Loopback;
let client: Client<true>;
let guild: GuildRecord;

beforeAll(async () => {
  lb = await startLoopback();
  guild = lb.world.addGuild('Big reading group', { channels: 12, roles: 4, memberCount: 300 });
  client = createClient({ DISCORD_API_URL: lb.apiUrl }) as Client<true>;
  const ready = once(client, 'clientReady');
  await client.login(lb.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await lb?.close();
});

const cached = () => client.guilds.cache.get(guild.id)!;
const general = () => cached().channels.cache.find((channel) => channel.name === 'general') as TextChannel;

describe('the bot client caches', () => {
  it('GIVEN a realistic server THEN its channels, overwrites and roles are cached, and of its members only the bot', () => {
    expect(cached().channels.cache.size).toBe(12);
    expect(cached().roles.cache.size).toBe(6);
    expect([...cached().members.cache.keys()]).toEqual([lb.world.bot.id]);
    const announcements = cached().channels.cache.find((channel) => channel.name === 'announcements')!;
    expect(announcements.permissionsFor(client.user)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(general().permissionsFor(client.user)?.has(PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it('GIVEN members clicking a button on a message the bot sent THEN neither the voters nor the messages stay in the cache', async () => {
    const button = new ButtonBuilder().setCustomId('vote:0').setLabel('Yes').setStyle(ButtonStyle.Secondary);
    const sent = await general().send({ content: 'Is the claim supported?', components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] });
    client.on('interactionCreate', (interaction) => {
      if (interaction.isButton()) void interaction.reply({ content: 'Recorded', flags: MessageFlags.Ephemeral });
    });
    const voters = Array.from({ length: 5 }, (_, i) => lb.world.addMember(guild.id, { name: `voter${i}` }));
    const runs = await Promise.all(voters.map((voter) => lb.driver.click({ user: voter.id, message: sent.id, customId: 'vote:0' })));
    for (const run of runs) expect((await run.reply()).content).toBe('Recorded');

    expect([...client.users.cache.keys()]).toEqual([lb.world.bot.id]);
    expect([...cached().members.cache.keys()]).toEqual([lb.world.bot.id]);
    expect(general().messages.cache.size).toBe(0);
  });
});
