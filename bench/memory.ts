// Idle memory with 1,000 realistic servers (a dozen channels of mixed types, a few roles, a
// member count, the bot's own member), each process logged into the same loopback Discord one
// after another and measured in the same run:
// - ours: the bot built and started as `npm start` runs it, on the shipped corpus and on a
//   generated one (first start, which builds the search index, and a restart that reads it back);
// - the bare discord.js bot (bench/bare-bot.ts): the Guilds intent and discord.js's default caches;
// - the same bare bot with our client options (src/discord/client.ts), which shows what our cache
//   limits change; "ours with discord.js's default caches" is ours plus that difference. Measured
//   this way so that the bot itself carries no switch that exists only for a benchmark.
// RSS is VmRSS from /proc after the process has been ready and idle for BENCH_SETTLE_MS; it stays
// flat from then on, but differs by ±5% from one start to the next (when V8 happened to collect),
// so each figure is the median of BENCH_ROUNDS starts, the configurations taking turns.
// Environment: BENCH_GUILDS (servers, default 1,000), BENCH_PARAGRAPHS (generated paragraphs,
// default 50,000; 0 skips the generated corpus), BENCH_SETTLE_MS (default 5,000), BENCH_ROUNDS (3).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChannelType } from 'discord.js';
import { startLoopback, type World } from '@marginalia/loopback';
import { loadCorpus } from '../src/library/corpus.js';
import { startBotProcess, type BotProcess } from '../tools/bot-process.js';
import { startBareBot } from './bare-bot-process.js';
import { writeCorpusFiles } from './corpus-files.js';
import { corpusStats, generateCorpus } from './generate-corpus.js';
import type { Row } from './run-one.js';
import { percentile } from './stats.js';

const GUILDS = Number(process.env.BENCH_GUILDS ?? 1_000);
const PARAGRAPHS = Number(process.env.BENCH_PARAGRAPHS ?? 50_000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARAGRAPHS_PER_ARTICLE = 10;

const mb = (value: number) => `${value.toFixed(0)} MB`;
const times = (ours: number, peer: number) => `${(ours / peer).toFixed(2)}x`;
const signed = (difference: number) => `${difference > 0 ? '+' : ''}${difference.toFixed(0)} MB`;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

interface Idle {
  rss: number;
  readyMs: number;
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
const medianIdle = (runs: Idle[]): Idle => ({ rss: median(runs.map((run) => run.rss)), readyMs: median(runs.map((run) => run.readyMs)) });

/** Starts a process, lets it settle once ready, reads its RSS and stops it. */
async function idle(start: () => Promise<BotProcess>): Promise<Idle> {
  const started = performance.now();
  const bot = await start();
  const readyMs = performance.now() - started;
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { rss: rssMb(bot.child.pid!), readyMs };
  } finally {
    await bot.stop();
  }
}

/** The servers besides the default one, each of reading-group size (20 to 500 members). */
function addServers(world: World): void {
  for (let index = 1; index < GUILDS; index += 1) {
    world.addGuild(`Reading group ${index}`, { channels: 12, roles: 4, memberCount: 20 + ((index * 7_919) % 481) });
  }
  const channels = [...world.channelsById.values()];
  const types = new Map<string, number>();
  for (const { type } of channels) types.set(ChannelType[type], (types.get(ChannelType[type]) ?? 0) + 1);
  const roles = world.botGuilds().reduce((sum, guild) => sum + guild.roles.length, 0);
  process.stderr.write(`memory: ${world.botGuilds().length} servers, ${channels.length} channels (by type ${JSON.stringify(Object.fromEntries(types))}), ${roles} roles\n`);
}

export async function benchMemory(): Promise<Row[]> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const lb = await startLoopback();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-memory-'));
  // Each corpus gets a working folder of its own, so its search index cache starts empty.
  const ours = (name: string, corpusDir: string) => () => {
    mkdirSync(path.join(dir, name), { recursive: true });
    return startBotProcess(lb, { storeUrl: `sqlite://${path.join(dir, `${name}.sqlite`)}`, built: true, cwd: path.join(dir, name), env: { CORPUS_DIR: corpusDir } });
  };
  try {
    addServers(lb.world);
    const shippedDir = path.resolve('corpus');
    let label = '';
    let generatedDir: string | undefined;
    if (PARAGRAPHS > 0) {
      const generated = generateCorpus(await loadCorpus(shippedDir), Math.ceil(PARAGRAPHS / PARAGRAPHS_PER_ARTICLE), PARAGRAPHS_PER_ARTICLE);
      const stats = corpusStats(generated);
      label = `${stats.distinctParagraphs.toLocaleString('en')} distinct paragraphs, ${stats.vocabulary.toLocaleString('en')} words`;
      generatedDir = path.join(dir, 'generated-corpus');
      await writeCorpusFiles(generated, generatedDir);
    }
    const runs: Record<'bare' | 'bareOurCaches' | 'shipped' | 'built' | 'restarted', Idle[]> = { bare: [], bareOurCaches: [], shipped: [], built: [], restarted: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      runs.bare.push(await idle(() => startBareBot(lb)));
      runs.bareOurCaches.push(await idle(() => startBareBot(lb, 'ours')));
      runs.shipped.push(await idle(ours(`shipped-${round}`, shippedDir)));
      if (generatedDir) {
        // A fresh working folder: the first start builds the index, the restart reads it back.
        runs.built.push(await idle(ours(`generated-${round}`, generatedDir)));
        runs.restarted.push(await idle(ours(`generated-${round}`, generatedDir)));
      }
    }
    const each = Object.entries(runs).map(([name, list]) => `${name} ${list.map((run) => run.rss.toFixed(0)).join(' / ')}`);
    process.stderr.write(`memory: RSS of each start, MB: ${each.join('; ')}\n`);
    const bare = medianIdle(runs.bare);
    const bareOurCaches = medianIdle(runs.bareOurCaches);
    const shipped = medianIdle(runs.shipped);
    const servers = GUILDS.toLocaleString('en');
    const rows: Row[] = [
      { figure: `memory: bare discord.js bot, ${servers} servers, default caches`, value: mb(bare.rss), target: 'the peer' },
      {
        figure: `memory: ours, ${servers} servers, shipped corpus (ready in ${(shipped.readyMs / 1000).toFixed(1)} s)`,
        value: `${mb(shipped.rss)} (${times(shipped.rss, bare.rss)} the bare bot)`,
        target: '< 150 MB',
      },
      {
        figure: `memory: the bare bot with our cache limits / with discord.js's defaults, ${servers} servers, idle`,
        value: `${mb(bareOurCaches.rss)} / ${mb(bare.rss)} (${signed(bareOurCaches.rss - bare.rss)})`,
        target: 'not above default',
      },
      {
        figure: `memory: ours with discord.js's default caches, shipped corpus (ours + that difference)`,
        value: mb(shipped.rss + bare.rss - bareOurCaches.rss),
        target: 'informative',
      },
    ];
    if (generatedDir) {
      const built = medianIdle(runs.built);
      const restarted = medianIdle(runs.restarted);
      rows.push(
        {
          figure: `memory: ours, ${servers} servers, ${label}, restart (index from cache)`,
          value: `${mb(restarted.rss)} (${times(restarted.rss, bare.rss)} the bare bot)`,
          target: '≤ 1.5x the bare bot',
        },
        {
          figure: `memory: ours, same, first start (index built, ready in ${(built.readyMs / 1000).toFixed(1)} s)`,
          value: `${mb(built.rss)} (${times(built.rss, bare.rss)} the bare bot)`,
          target: '≤ 1.5x the bare bot',
        },
      );
    }
    return rows;
  } finally {
    await lb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchMemory());
}
