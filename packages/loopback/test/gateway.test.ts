import { once } from 'node:events';
import { createInflate, constants as zlib } from 'node:zlib';
import { PermissionFlagsBits, type Client } from 'discord.js';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOf, startLoopback, type Loopback } from '../src/index.js';
import { connectClient } from '../src/client.js';

let lb: Loopback;
const clients: Client[] = [];

beforeEach(async () => {
  lb = await startLoopback();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await lb.close();
});

async function connect(options: Parameters<typeof connectClient>[1] = {}): Promise<Client<true>> {
  const client = await connectClient(lb, options);
  clients.push(client);
  return client;
}

describe('loopback gateway', () => {
  it('GIVEN the default world WHEN the real client logs in THEN it is ready with the guild, its channels and its own member', async () => {
    const client = await connect();
    await lb.waitForBot();

    const guild = client.guilds.cache.get(lb.world.defaultGuild.id);
    expect(guild?.name).toBe('Study Group');
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'hidden', 'locked', 'study']);
    expect(client.user.id).toBe(lb.world.bot.id);
    expect(client.application.id).toBe(lb.applicationId);
    const me = guild?.members.me;
    expect(me?.id).toBe(lb.world.bot.id);
    const locked = guild?.channels.cache.get(lb.world.channels['locked']!.id);
    const study = guild?.channels.cache.get(lb.world.channels['study']!.id);
    expect(me && study?.permissionsFor(me).has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(me && locked?.permissionsFor(me).has(PermissionFlagsBits.SendMessages)).toBe(false);
  });

  it('GIVEN a connected client WHEN the gateway drops THEN the client resumes and still receives events', async () => {
    const client = await connect();
    const resumed = once(client, 'shardResume');
    expect(lb.faults.dropGateway()).toBe(1);
    // A change while the bot is away is replayed on RESUME.
    const created = once(client, 'channelCreate');
    lb.world.addChannel(lb.world.defaultGuild.id, 'while-away');
    await resumed;
    const [channel] = (await created) as [{ name: string }];
    expect(channel.name).toBe('while-away');
    expect(lb.faults.resumes).toHaveLength(1);
  });

  it('GIVEN two shards WHEN each client identifies with its shard THEN each receives only the guilds of its shard', async () => {
    const guilds = [lb.world.defaultGuild.id];
    while (new Set(guilds.map((id) => shardOf(id, 2))).size < 2) guilds.push(lb.world.addGuild(`Group ${guilds.length}`).id);

    const [zero, one] = await Promise.all([connect({ shards: [0], shardCount: 2 }), connect({ shards: [1], shardCount: 2 })]);
    await lb.waitForBot({ shards: 2 });

    expect([...zero.guilds.cache.keys()].sort()).toEqual(guilds.filter((id) => shardOf(id, 2) === 0).sort());
    expect([...one.guilds.cache.keys()].sort()).toEqual(guilds.filter((id) => shardOf(id, 2) === 1).sort());
  });

  it('GIVEN a ready client WHEN the world changes THEN it gets GUILD_CREATE, GUILD_DELETE, CHANNEL_UPDATE and CHANNEL_DELETE', async () => {
    const client = await connect();
    const joined = once(client, 'guildCreate');
    const guild = lb.world.addGuild('Second Group');
    expect(((await joined) as [{ id: string }])[0].id).toBe(guild.id);

    const study = lb.world.channels['study']!;
    const updated = once(client, 'channelUpdate');
    lb.world.setChannelOverwrites(study.id, [
      { id: lb.world.botRole(study.guildId)!.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages },
    ]);
    await updated;
    const me = client.guilds.cache.get(study.guildId)?.members.me;
    const cached = client.channels.cache.get(study.id);
    expect(me && cached && 'permissionsFor' in cached && cached.permissionsFor(me).has(PermissionFlagsBits.SendMessages)).toBe(false);

    const deleted = once(client, 'channelDelete');
    lb.world.deleteChannel(lb.world.channels['general']!.id);
    await deleted;

    const left = once(client, 'guildDelete');
    lb.world.removeBot(guild.id);
    await left;
    expect(client.guilds.cache.has(guild.id)).toBe(false);
  });

  it('GIVEN compress=zlib-stream WHEN a client connects THEN HELLO arrives as a zlib stream flushed with Z_SYNC_FLUSH', async () => {
    const socket = new WebSocket(`${lb.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);
    const inflate = createInflate();
    const [frame] = (await once(socket, 'message')) as [Buffer];
    expect(frame.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    const text = await new Promise<string>((resolve) => {
      inflate.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      inflate.write(frame);
      inflate.flush(zlib.Z_SYNC_FLUSH);
    });
    expect(JSON.parse(text)).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    socket.close();
  });
});
