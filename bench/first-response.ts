/**
 * First response (SPEC section 9): 50 interactions arriving at once (votes on a poll, /passage search,
 * /daily status, /quote, /articles, each from another member), through the loopback Discord to the real
 * bot process. Timed from the interaction to the bot's first callback (its acknowledgement) and, beside
 * it, to its visible reply: the naive design, answering only once the store work is done, would give
 * its first response no sooner than that. On the embedded SQLite store, and on Redis behind a proxy
 * that makes every store call take 1.5 s (with one round trip of that store measured in the same run).
 *
 * Env: BENCH_FIRST_RESPONSE_ROUNDS (bursts of 50 per store, default 3), BENCH_FIRST_RESPONSE_DELAY_MS (1500).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLoopback, walkComponents, type Component, type InteractionRun, type Loopback } from '@marginalia/loopback';
import { openStore } from '../src/lib/store.js';
import { hasBinary } from '../test/helpers/servers.js';
import { startSlowRedis } from '../test/helpers/slow-proxy.js';
import { deployToLoopback, startBotProcess } from '../tools/bot-process.js';
import type { Row } from './run-one.js';
import { percentile } from './stats.js';

const AT_ONCE = 50;
const ROUNDS = Number(process.env.BENCH_FIRST_RESPONSE_ROUNDS ?? 3);
const DELAY_MS = Number(process.env.BENCH_FIRST_RESPONSE_DELAY_MS ?? 1_500);

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ms` : 'none within 10 s');

/** One interaction: what it was, ms to the first response and to the visible reply. */
interface Sample {
  kind: string;
  first: number;
  reply: number;
}

const KINDS = ['vote', 'vote', '/passage search', '/daily status', '/quote or /articles'];

function summary(samples: Sample[]) {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const first = sorted(samples.map((sample) => sample.first));
  const reply = sorted(samples.map((sample) => sample.reply));
  const byKind = [...new Set(KINDS)].map((kind) => `${kind} ${ms(percentile(sorted(samples.filter((sample) => sample.kind === kind).map((sample) => sample.first)), 0.99))}`);
  return { first, reply, byKind: byKind.join(', ') };
}

/** From the interaction to the bot's visible reply; Infinity when none came. */
const replyMs = (run: InteractionRun) =>
  run.reply(60_000).then(
    () => Date.now() - run.record.createdAt,
    () => Infinity,
  );

/** A loopback Discord with the commands deployed and the bot on `storeUrl`; stops both. */
async function withBot<T>(storeUrl: string, work: (lb: Loopback) => Promise<T>): Promise<T> {
  const lb = await startLoopback();
  try {
    await deployToLoopback(lb);
    const bot = await startBotProcess(lb, { storeUrl });
    try {
      return await work(lb);
    } finally {
      await bot.stop();
    }
  } finally {
    await lb.close();
  }
}

/** Bursts of 50 interactions in the default server's `study` channel, each from a member who has not asked before. */
async function bursts(lb: Loopback, name: string): Promise<Sample[]> {
  const guildId = lb.world.defaultGuild.id;
  const at = { channel: 'study' };
  const poll = await (await lb.driver.slash({ user: 'admin', ...at, name: 'poll', subcommand: 'create', options: { question: 'Is the claim supported?', options: 'Yes | No', duration: '1h' } })).reply(60_000);
  const vote = [...walkComponents((poll.components ?? []) as Component[])].find((component) => /^poll:vote:.*:0$/.test(component.custom_id ?? ''))?.custom_id;
  if (!vote) throw new Error(`first-response bench: the poll has no vote button: ${JSON.stringify(poll.components)}`);
  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const members = Array.from({ length: AT_ONCE }, (_, index) => lb.world.addMember(guildId, { name: `${name}-r${round}-m${index}` }).id);
    const runs = await Promise.all(
      members.map((user, index) => {
        switch (index % 5) {
          case 0:
          case 1:
            return lb.driver.click({ user, message: poll.id, customId: vote });
          case 2:
            return lb.driver.slash({ user, ...at, name: 'passage', subcommand: 'search', options: { query: 'memory of the city' } });
          case 3:
            return lb.driver.slash({ user, ...at, name: 'daily', subcommand: 'status' });
          default:
            return index % 10 === 4 ? lb.driver.slash({ user, ...at, name: 'quote' }) : lb.driver.slash({ user, ...at, name: 'articles' });
        }
      }),
    );
    const [first, reply] = await Promise.all([Promise.all(runs.map((run) => run.firstResponseMs(10_000))), Promise.all(runs.map(replyMs))]);
    samples.push(...runs.map((_, index) => ({ kind: KINDS[index % KINDS.length]!, first: first[index]!, reply: reply[index]! })));
  }
  return samples;
}

/** One store call's round trip through the slow proxy, as the naive design would wait for it before answering. */
async function roundTripMs(url: string): Promise<number> {
  const store = openStore(url);
  try {
    await store.ping(); // the connection's own handshake is not a call
    const started = performance.now();
    await store.ping();
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

export async function benchFirstResponse(): Promise<Row[]> {
  const rows: Row[] = [];
  const samples = `${(AT_ONCE * ROUNDS).toLocaleString('en')} interactions, ${AT_ONCE} at once`;

  const dir = mkdtempSync(path.join(tmpdir(), 'bench-first-response-'));
  try {
    await withBot(`sqlite://${path.join(dir, 'store.sqlite')}`, async (lb) => {
      const { first, reply, byKind } = summary(await bursts(lb, 'sqlite'));
      rows.push(
      {
        figure: `first response, SQLite, ${samples}: p50 / p99`,
        value: `${ms(percentile(first, 0.5))} / ${ms(percentile(first, 0.99))} (reply, the naive design's first response: ${ms(percentile(reply, 0.5))} / ${ms(percentile(reply, 0.99))})`,
        target: 'p99 < 100 ms',
      },
      { figure: 'first response, SQLite: p99 by kind; late (10062)', value: `${byKind}; ${lb.violations.length} late`, target: '0 late' },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (!hasBinary('redis-server')) {
    rows.push({ figure: `first response, store calls of ${DELAY_MS} ms`, value: 'skipped: redis-server not installed', target: '< 3,000 ms' });
    return rows;
  }
  const slow = await startSlowRedis(DELAY_MS);
  try {
    await withBot(slow.url, async (lb) => {
      const { first, reply, byKind } = summary(await bursts(lb, 'slow'));
      const roundTrip = await roundTripMs(slow.url);
      rows.push(
        {
          figure: `first response, store calls of ${DELAY_MS.toLocaleString('en')} ms (Redis), ${samples}: p50 / max`,
          value: `${ms(percentile(first, 0.5))} / ${ms(first.at(-1)!)} (reply, the naive design's first response: ${ms(percentile(reply, 0.5))} / ${ms(reply.at(-1)!)}; one store round trip ${ms(roundTrip)})`,
          target: 'max < 3,000 ms',
        },
        {
          figure: `first response, store calls of ${DELAY_MS.toLocaleString('en')} ms: p99 by kind; late (10062); replies past 3 s`,
          value: `${byKind}; ${lb.violations.length} late; ${reply.filter((value) => value > 3_000).length} of ${reply.length} replies past 3 s (the naive design would be late for these)`,
          target: '0 late',
        },
      );
    });
  } finally {
    await slow.stop();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchFirstResponse());
}
