/**
 * Restart with a big store: the real bot process started on a store holding N daily schedules and
 * 10,000 open polls, timed from spawn to ready (its start-up loading done) and to its first answer
 * (/daily status), beside the same bot on an empty store and beside the loader it replaced (Keyv's
 * own iterator over the same schedules, timed in this process and cut off at 30 s).
 *
 * The bot holds BENCH_RESTART_HELD servers (as one shard of a large deployment does); the store
 * holds the schedules and polls of every server, so each start lists all of them and keeps its own.
 * Records are the bot's own: built as the feature stores write them (checked against one written
 * through createDailyStore/createPollStore) and written in bulk; the bot's log says how many it held.
 *
 * Env: BENCH_RESTART_SCHEDULES (comma-separated, default 10000,100000), BENCH_RESTART_POLLS (10000),
 * BENCH_RESTART_HELD (1000), BENCH_RESTART_BACKENDS (sqlite,redis,postgres; a server backend runs
 * only when its binary is on PATH, e.g. PATH=$PATH:/usr/lib/postgresql/15/bin).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis, { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { startLoopback, type Loopback } from '@marginalia/loopback';
import Keyv from 'keyv';
import { createDailyStore, type DailySchedule } from '../src/features/daily/store.js';
import type { Poll } from '../src/features/polls/poll.js';
import { createPollStore } from '../src/features/polls/store.js';
import { createLogger } from '../src/lib/logger.js';
import { openStore } from '../src/lib/store.js';
import { rawStore } from '../test/helpers/raw-store.js';
import { hasBinary, startPostgres, startRedis } from '../test/helpers/servers.js';
import { deployToLoopback, startBotProcess } from '../tools/bot-process.js';
import type { Row } from './run-one.js';

const SIZES = (process.env.BENCH_RESTART_SCHEDULES ?? '10000,100000').split(',').map(Number);
const POLLS = Number(process.env.BENCH_RESTART_POLLS ?? 10_000);
const HELD = Number(process.env.BENCH_RESTART_HELD ?? 1_000);
const BACKENDS = (process.env.BENCH_RESTART_BACKENDS ?? 'sqlite,redis,postgres').split(',');
/** The old loader is given this long before it is reported as "> 30 s". */
const OLD_LOADER_CAP_MS = 30_000;
const TARGET = '< 10 s at 100k + 10k polls, linear';
const HOUR = 3_600_000;

const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Tokyo', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney'];
const WEEKDAYS = [1, 2, 3, 4, 5];

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** A stored text as Keyv writes it for a record without expiry. */
const serializer = new Keyv();
const stored = async (value: unknown): Promise<string> => (await serializer.serializeData({ value, expires: undefined })) as string;

const snowflake = (base: bigint, index: number) => String(base + BigInt(index));

/** Guild ids: the servers the bot holds first, then servers of other shards. */
function guildIds(held: string[], count: number): string[] {
  return Array.from({ length: count }, (_, index) => held[index] ?? snowflake(900_000_000_000_000_000n, index));
}

/** A schedule as /daily set and a day of posting leave it: due half a day from now, so none posts during the run. */
function scheduleOf(index: number, now: number): DailySchedule {
  const due = new Date(now + 12 * HOUR);
  const date = new Date(now - 24 * HOUR).toISOString().slice(0, 10);
  return {
    channelId: snowflake(800_000_000_000_000_000n, index),
    time: `${String(due.getUTCHours()).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`,
    timezone: ZONES[index % ZONES.length]!,
    days: index % 3 === 0 ? WEEKDAYS : [1, 2, 3, 4, 5, 6, 7],
    thread: index % 4 === 0,
    ...(index % 5 === 0 ? { roleId: snowflake(700_000_000_000_000_000n, index) } : {}),
    setAt: new Date(now - 30 * 24 * HOUR).toISOString(),
    lastPost: {
      messageId: snowflake(600_000_000_000_000_000n, index),
      channelId: snowflake(800_000_000_000_000_000n, index),
      date,
      at: new Date(now - 24 * HOUR).toISOString(),
      quoteId: `q${index % 500}`,
      owner: `bot-host:${1000 + (index % 7)}:${(index * 2_654_435_761).toString(16).slice(-8)}@${now - 24 * HOUR}`,
    },
  };
}

/** An open poll with a handful of votes, closing within a week. */
function pollOf(index: number, guildId: string, now: number): Poll {
  const votes: Record<string, number[]> = {};
  for (let voter = 0; voter < 3 + (index % 12); voter += 1) votes[snowflake(500_000_000_000_000_000n, voter)] = [(index + voter) % 3];
  const revision = Object.keys(votes).length;
  return {
    id: `p${index.toString(36).padStart(9, '0')}`,
    guildId,
    channelId: snowflake(800_000_000_000_000_000n, index),
    messageId: snowflake(400_000_000_000_000_000n, index),
    creatorId: snowflake(500_000_000_000_000_000n, index),
    question: `Does chapter ${index % 40} support the author's claim about ${['memory', 'labour', 'cities', 'trade'][index % 4]}?`,
    options: ['Yes', 'No', 'Partly'],
    multiple: false,
    anonymous: false,
    createdAt: now - HOUR,
    closesAt: now + (1 + (index % 7)) * 24 * HOUR,
    closedAt: null,
    votes,
    revision,
    shownRevision: revision,
  };
}

type Records = Array<[namespace: string, key: string, text: string]>;

/** Every record of the store: N schedules, POLLS open polls spread over the servers, and their servers' poll indexes. */
async function recordsFor(guilds: string[], now: number): Promise<{ records: Records; heldPolls: number; sample: { schedule: DailySchedule; poll: Poll } }> {
  const records: Records = [];
  for (const [index, guildId] of guilds.entries()) records.push(['daily', guildId, await stored(scheduleOf(index, now))]);
  const indexes = new Map<string, Poll[]>();
  for (let index = 0; index < POLLS; index += 1) {
    // Spread so that the held servers get their share.
    const guildId = guilds[(index * 7) % guilds.length]!;
    const poll = pollOf(index, guildId, now);
    records.push(['polls', poll.id, await stored(poll)]);
    indexes.set(guildId, [...(indexes.get(guildId) ?? []), poll]);
  }
  const held = new Set(guilds.slice(0, HELD));
  let heldPolls = 0;
  for (const [guildId, polls] of indexes) {
    if (held.has(guildId)) heldPolls += polls.length;
    const entries = polls.map(({ id, channelId, messageId, createdAt, closesAt, closedAt }) => ({ id, channelId, messageId, createdAt, closesAt, closedAt }));
    records.push(['poll-index', guildId, await stored({ polls: entries })]);
  }
  return { records, heldPolls, sample: { schedule: scheduleOf(0, now), poll: pollOf(0, guilds[0]!, now) } };
}

/** Checks that the bulk texts are what the bot's own stores write, on the same backend. */
async function checkFormat(url: string, guildId: string, sample: { schedule: DailySchedule; poll: Poll }): Promise<void> {
  const logger = createLogger('silent');
  const store = openStore(url);
  const raw = rawStore(url);
  try {
    await createDailyStore(store, logger).saveSchedule(guildId, sample.schedule);
    const polls = createPollStore(store, logger);
    await polls.save(sample.poll);
    for (const [namespace, key, value] of [['daily', guildId, sample.schedule], ['polls', sample.poll.id, sample.poll]] as const) {
      if ((await raw.get(namespace, key)) !== (await stored(value))) throw new Error(`restart bench: the bulk ${namespace} record differs from the bot's own`);
    }
  } finally {
    await raw.close();
    await store.close();
  }
}

const CHUNK = 5_000;

/** Writes the records straight to the backend, a few thousand per statement, under the store's key layout (see store.ts keyOf). */
async function writeBulk(url: string, records: Records): Promise<void> {
  if (url.startsWith('redis:')) {
    const client = createClient({ url });
    await client.connect();
    for (let at = 0; at < records.length; at += CHUNK) {
      await client.mSet(records.slice(at, at + CHUNK).map(([namespace, key, text]) => [`${namespace}::${namespace}:${key}`, text] as [string, string]));
    }
    await client.quit();
    return;
  }
  const rows = records.map(([namespace, key, text]) => ({ key: `${namespace}:${key}`, value: text }));
  if (url.startsWith('sqlite:')) {
    const adapter = new KeyvSqlite({ uri: url });
    for (let at = 0; at < rows.length; at += CHUNK) {
      const chunk = JSON.stringify(rows.slice(at, at + CHUNK).map((row) => [row.key, row.value]));
      await adapter.query("INSERT OR REPLACE INTO keyv (key, value) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)", [chunk]);
    }
    await adapter.disconnect();
    return;
  }
  // @keyv/postgres keeps one pool per process, which the store opened above shares and closed: this opens it again.
  const adapter = new KeyvPostgres({ uri: url });
  for (let at = 0; at < rows.length; at += CHUNK) await adapter.setMany(rows.slice(at, at + CHUNK));
  await adapter.disconnect();
}

/** The old start-up: one Keyv per namespace, walked with its adapter's iterator; cut off after 30 s. */
async function oldLoader(url: string): Promise<string> {
  const adapter = url.startsWith('sqlite:') ? new KeyvSqlite({ uri: url }) : url.startsWith('redis:') ? new KeyvRedis<string>(url) : new KeyvPostgres({ uri: url });
  const keyv = new Keyv({ store: adapter, namespace: 'daily' });
  const started = performance.now();
  let count = 0;
  try {
    for await (const entry of keyv.iterator!(undefined)) {
      if (entry) count += 1;
      if (performance.now() - started > OLD_LOADER_CAP_MS) return `> 30 s (${count.toLocaleString('en')} read)`;
    }
    return `${seconds(performance.now() - started)} (${count.toLocaleString('en')} read)`;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message.slice(0, 60)} after ${seconds(performance.now() - started)}`;
  } finally {
    await keyv.disconnect().catch(() => undefined);
  }
}

/** The store's own listing of the same schedules in this process, decoded as Keyv's iterator decodes them (and not validated). */
async function ourListing(url: string): Promise<number> {
  const store = openStore(url);
  try {
    const started = performance.now();
    for await (const entry of store.namespace('daily').entries()) void entry;
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Spawns the bot on the store: ms to ready and to the answer to /daily status, and what its log says it held. */
async function restart(lb: Loopback, storeUrl: string): Promise<{ readyMs: number; answerMs: number; schedules: unknown; polls: unknown }> {
  const started = performance.now();
  const bot = await startBotProcess(lb, { storeUrl });
  const readyMs = performance.now() - started;
  try {
    await (await lb.driver.slash({ user: 'admin', name: 'daily', subcommand: 'status' })).reply(30_000);
    const answerMs = performance.now() - started;
    const logged = (msg: string) => bot.logs.find((line) => line.msg === msg);
    return { readyMs, answerMs, schedules: logged('daily posts scheduled')?.schedules, polls: logged('polls watched')?.open };
  } finally {
    await bot.stop();
  }
}

async function serverFor(backend: string, dir: string, name: string): Promise<Server | undefined> {
  if (backend === 'sqlite') return { url: `sqlite://${path.join(dir, `${name}.sqlite`)}`, stop: async () => undefined };
  if (backend === 'redis' && hasBinary('redis-server')) return startRedis();
  if (backend === 'postgres' && hasBinary('postgres')) return startPostgres();
  return undefined;
}

export async function benchRestart(): Promise<Row[]> {
  const lb = await startLoopback();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-restart-'));
  const rows: Row[] = [];
  try {
    const held = [lb.world.defaultGuild.id, ...Array.from({ length: HELD - 1 }, (_, index) => lb.world.addGuild(`Reading group ${index + 1}`).id)];
    await deployToLoopback(lb);
    const empty = await restart(lb, `sqlite://${path.join(dir, 'empty.sqlite')}`);
    rows.push({ figure: `restart: empty store, ${HELD.toLocaleString('en')} servers held: spawn to ready / answering`, value: `${seconds(empty.readyMs)} / ${seconds(empty.answerMs)}`, target: 'baseline' });

    for (const backend of BACKENDS) {
      for (const size of SIZES) {
        const server = await serverFor(backend, dir, `${backend}-${size}`);
        if (!server) {
          rows.push({ figure: `restart: ${backend}`, value: 'skipped: server not installed', target: TARGET });
          break;
        }
        try {
          const now = Date.now();
          const { records, heldPolls, sample } = await recordsFor(guildIds(held, size), now);
          await checkFormat(server.url, held[0]!, sample);
          await writeBulk(server.url, records);
          const listingMs = await ourListing(server.url);
          const old = await oldLoader(server.url);
          const run = await restart(lb, server.url);
          const label = `restart: ${backend}, ${size.toLocaleString('en')} schedules + ${POLLS.toLocaleString('en')} open polls`;
          rows.push(
            {
              figure: `${label}: spawn to ready / answering`,
              value: `${seconds(run.readyMs)} / ${seconds(run.answerMs)} (held ${String(run.schedules)} schedules, ${String(run.polls)} polls; expected ${HELD}, ${heldPolls})`,
              target: TARGET,
            },
            {
              figure: `${label}: the schedules listed in process`,
              value: `${seconds(listingMs)} (old loader, Keyv's iterator: ${old})`,
              target: 'linear',
            },
          );
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await lb.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchRestart());
}
