import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess } from '../../tools/bot-process.js';
import { freePort } from '../helpers/servers.js';
import { textOf } from './harness.js';

/**
 * SPEC section 13, end to end: the README's .env, shards chosen by TOTAL_SHARDS and
 * SHARD_IDS, /healthz and /metrics, and SIGTERM draining the work in flight.
 */
let lb: Loopback;
let dir: string;
const bots: BotProcess[] = [];
const storeUrl = () => `sqlite://${path.join(dir, `store-${bots.length}.sqlite`)}`;

beforeAll(async () => {
  lb = await startLoopback();
  await deployToLoopback(lb, { guildId: lb.world.defaultGuild.id });
  dir = mkdtempSync(path.join(tmpdir(), 'marginalia-ops-'));
}, 60_000);
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.stop()));
  lb.faults.clear();
});
afterAll(async () => {
  await lb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startBotProcess>[1]): Promise<BotProcess> {
  const bot = await startBotProcess(lb, options);
  bots.push(bot);
  return bot;
}

async function get(port: number, route: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one sample in the Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    const labelText = /\{(.*)\}/.exec(l)?.[1] ?? '';
    return wanted.every((pair) => labelText.split(',').includes(pair));
  });
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('setup as the README says', () => {
  it('GIVEN a .env copied from .env.example with only the token filled in THEN npm start logs in and answers', async () => {
    const cwd = mkdtempSync(path.join(dir, 'fresh-'));
    const example = readFileSync('.env.example', 'utf8');
    expect(example).toMatch(/^DISCORD_TOKEN=$/m);
    writeFileSync(path.join(cwd, '.env'), example.replace(/^DISCORD_TOKEN=$/m, `DISCORD_TOKEN=${lb.token}`));
    copyFileSync('.env.example', path.join(cwd, '.env.example'));
    // Only what points the bot at the loopback comes from outside the .env.
    await start({
      storeUrl: storeUrl(),
      cwd,
      env: { DISCORD_TOKEN: undefined, LOG_LEVEL: undefined, CORPUS_DIR: path.resolve('corpus') },
    });
    const reply = await (await lb.driver.slash({ user: 'member', name: 'articles' })).reply();
    expect(textOf(reply)).toContain('former-kazakhstan');
  }, 60_000);
});

describe('shards across machines', () => {
  it('GIVEN TOTAL_SHARDS=auto and SHARD_IDS=1 with Discord recommending 2 shards THEN this machine identifies as shard [1, 2] only', async () => {
    // A Discord of its own: /gateway/bot recommends one shard per 1,000 servers.
    const crowded = await startLoopback();
    try {
      for (let index = 0; index < 1000; index += 1) crowded.world.addGuild(`Reading group ${index}`);
      const bot = await startBotProcess(crowded, { storeUrl: storeUrl(), entry: 'sharded.ts', shards: 1, env: { TOTAL_SHARDS: 'auto', SHARD_IDS: '1' } });
      bots.push(bot);
      expect(crowded.gateway.liveSessions().map((session) => session.shard)).toEqual([[1, 2]]);
      expect(await bot.stop()).toBe(0);
    } finally {
      await crowded.close();
    }
  }, 90_000);
});

describe('health and metrics', () => {
  it('GIVEN HEALTH_PORT THEN /healthz is 200, turns 503 with the reason while the gateway is down, and 200 after the resume', async () => {
    const port = await freePort();
    await start({ storeUrl: storeUrl(), env: { HEALTH_PORT: String(port) } });
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: JSON.stringify({ ok: true, reasons: [] }) });

    const resumes = lb.faults.resumes.length;
    lb.faults.dropGateway({ holdMs: 2_000 });
    await expect.poll(async () => (await get(port, '/healthz')).status, { timeout: 2_000, interval: 50 }).toBe(503);
    expect(JSON.parse((await get(port, '/healthz')).body).reasons.join(' ')).toMatch(/^shard 0: gateway/);
    await expect.poll(async () => (await get(port, '/healthz')).status, { timeout: 10_000, interval: 100 }).toBe(200);
    expect(lb.faults.resumes.length).toBe(resumes + 1);
  }, 60_000);

  it('GIVEN three commands THEN /metrics counts each by command and outcome and times their first responses', async () => {
    const port = await freePort();
    await start({ storeUrl: storeUrl(), env: { HEALTH_PORT: String(port) } });
    await (await lb.driver.slash({ user: 'member', name: 'articles' })).reply();
    await (await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'CSTO' } })).reply();
    await (await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:99' } })).reply();

    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    expect(sample(body, 'marginalia_interactions_total', { command: 'articles', kind: 'command', outcome: 'ok' })).toBe(1);
    expect(sample(body, 'marginalia_interactions_total', { command: 'passage search', outcome: 'ok' })).toBe(1);
    expect(sample(body, 'marginalia_interactions_total', { command: 'passage show', outcome: 'refused' })).toBe(1);
    expect(sample(body, 'marginalia_interactions_total', { command: 'passage show', outcome: 'ok' })).toBe(0);
    expect(sample(body, 'marginalia_first_response_seconds_count', { command: 'articles' })).toBe(1);
    expect(sample(body, 'marginalia_first_response_seconds_bucket', { command: 'articles', le: '3' })).toBe(1);
    expect(sample(body, 'marginalia_shard_up', { shard: '0' })).toBe(1);
    expect(body).toContain('marginalia_process_resident_memory_bytes');
    expect(body).not.toContain(lb.token);
  }, 60_000);
});

describe('SIGTERM', () => {
  it('GIVEN 20 interactions in flight (their replies held by a 429) WHEN SIGTERM arrives THEN every one is answered and the process exits 0', async () => {
    const bot = await start({ storeUrl: storeUrl() });
    lb.faults.inject({ method: 'POST', route: '/interactions/:id/:token/callback', status: 429, retryAfter: 1.5, times: 20 });
    const runs = await Promise.all(Array.from({ length: 20 }, () => lb.driver.slash({ user: 'member', name: 'articles' })));
    // Every reply has been tried once and is now waiting out its 429.
    await expect.poll(() => lb.faults.hits.filter((hit) => hit.status === 429).length, { timeout: 10_000, interval: 20 }).toBe(20);
    const started = Date.now();
    const code = await bot.stop();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const replies = await Promise.all(runs.map((run) => run.reply(1_000)));
    for (const reply of replies) expect(textOf(reply)).toContain('former-kazakhstan');
    expect(bot.logs.map((line) => line.msg)).toContain('stopped');
    expect(lb.violations).toEqual([]);
  }, 60_000);
});
