import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess } from '../../tools/bot-process.js';
import { freePort, hasBinary, serversRequired, startRedis, type TestServer } from '../helpers/servers.js';
import { textOf } from './harness.js';

/**
 * SPEC section 8: shards on one shared store. Each test starts its own loopback
 * Discord and a real Redis server on 127.0.0.1.
 */
describe.skipIf(!hasBinary('redis-server') && !serversRequired)('larger deployments on a shared Redis store', () => {
  let redis: TestServer;
  let lb: Loopback;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    lb = await startLoopback();
    await deployToLoopback(lb);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.stop()));
    await lb?.close();
    await redis?.stop();
  });

  it('GIVEN two bot processes holding the same server THEN a scheduled daily post is made exactly once', async () => {
    const first = await startBotProcess(lb, { storeUrl: redis.url, env: { LOG_LEVEL: 'debug' } });
    bots.push(first);
    const at = new Date(Date.now() + 65_000);
    const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    const set = await (
      await lb.driver.slash({ user: 'admin', name: 'daily', subcommand: 'set', options: { channel: lb.world.channels.study!.id, time, thread: false } })
    ).reply();
    expect(set.content).toContain('The daily post is set');
    // The second process loads the same schedule from the store, so both race for the minute.
    const second = await startBotProcess(lb, { storeUrl: redis.url, env: { LOG_LEVEL: 'debug' } });
    bots.push(second);
    expect(second.logs.find((line) => line.msg === 'daily posts scheduled')).toMatchObject({ schedules: 1 });

    const posts = () => lb.world.messages(lb.world.channels.study!.id).filter((m) => m.authorId === lb.world.bot.id && m.embeds.length > 0);
    await expect.poll(() => posts().length, { timeout: 75_000, interval: 500 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(posts()).toHaveLength(1);
    // Both processes reached the minute: one posted, the other found the claim taken.
    const said = (msg: string) => [first, second].filter((bot) => bot.logs.some((line) => line.msg === msg)).length;
    expect(said('daily post sent')).toBe(1);
    expect(said('daily post already made')).toBe(1);
    expect(textOf(posts()[0]!)).toMatch(/(former-kazakhstan|why-putin-interferes):\d+/);
    await Promise.all(bots.splice(0).map((bot) => bot.stop()));
  }, 120_000);

  it('GIVEN an article added through one process THEN another process on the same Redis serves it, after the first is gone', async () => {
    const first = await startBotProcess(lb, { storeUrl: redis.url });
    bots.push(first);
    const text = 'Reading on two machines\n\nA shared store lets every shard read what one of them was given: the quokka census.\n';
    const added = await (
      await lb.driver.slash({ user: 'admin', name: 'library', subcommand: 'add', options: { file: { filename: 'two-machines.txt', bytes: text } } })
    ).reply(10_000);
    expect(textOf(added)).toContain('two-machines:1');
    const second = await startBotProcess(lb, { storeUrl: redis.url });
    bots.push(second);
    expect(await first.stop()).toBe(0);
    bots.splice(bots.indexOf(first), 1);
    const found = await (await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'quokka census' } })).reply(10_000);
    expect(textOf(found)).toContain('two-machines:1');
    await Promise.all(bots.splice(0).map((bot) => bot.stop()));
  }, 120_000);

  it('GIVEN more servers than one shard takes THEN start:sharded asks the loopback for the count, runs two shards, and each answers its own servers', async () => {
    // /gateway/bot recommends one shard per 1,000 servers.
    for (let index = 0; index < 1000; index += 1) lb.world.addGuild(`Reading group ${index}`);
    const port = await freePort();
    const sharded = await startBotProcess(lb, { storeUrl: redis.url, entry: 'sharded.ts', shards: 2, env: { TOTAL_SHARDS: 'auto', HEALTH_PORT: String(port) } });
    bots.push(sharded);
    const shards = lb.gateway.liveSessions().map((session) => session.shard.join('/'));
    expect(shards.sort()).toEqual(['0/2', '1/2']);
    const reply = await (await lb.driver.slash({ user: 'member', name: 'articles' })).reply();
    expect(textOf(reply)).toContain('7 paragraphs');
    expect(lb.violations).toEqual([]);

    // The manager serves one /healthz and /metrics for both shard processes.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^marginalia_shard_up\{shard="0"\} 1$/m);
    expect(metrics).toMatch(/^marginalia_shard_up\{shard="1"\} 1$/m);
    expect(metrics).toMatch(/^marginalia_interactions_total\{command="articles",kind="command",outcome="ok"\} 1$/m);
    // SIGTERM to the manager drains both shards and ends it cleanly.
    expect(await sharded.stop()).toBe(0);
  }, 90_000);
});
