// Start-up with a large corpus: the bot process, built as `npm start` runs it, from spawn until it is
// logged into the loopback Discord and has answered a /passage search, on a generated corpus written
// as article files. Per size:
// - first start: no cache; every file parsed, every quote extracted, the search index built;
// - warm start: the corpus cache (src/library/corpus-cache.ts) and the search index on disk;
// - beside it, the current design: the same spawn with the corpus cache removed, so every file is
//   parsed and every quote extracted before login (the index still cached; writing the corpus cache
//   again is its own part, `save`, which the old code did not have);
// - the corpus and quotes alone, each in a fresh process: from the cache, and the old loader itself
//   (`Promise.all` over every file, parse, extractQuotes).
// Each spawn's time is split by the bot's own log lines: modules (spawn to the library's start: Node,
// imports, configuration), files, quotes, save, index, login (the `starting` line to `ready`: gateway,
// guilds and the ready handlers' store loads, on an empty store here) and answer (the search).
// A last row: 20,000 article files under `ulimit -n 1024` (a common default), read by
// `npm run corpus:check` and by the old loader.
//
// Environment:
// - BENCH_STARTUP_PARAGRAPHS: the sizes, default "5000,50000,200000" (10 paragraphs per article).
// - BENCH_STARTUP_SPAWN_FIRST_MAX: the largest size whose first start is spawned, default 50000.
//   Larger first starts build the index longer than the bot helper waits for `ready` (30 s), so their
//   library is built in process instead (its time reported), which also warms the cache.
// - BENCH_STARTUP_RUNS: spawns per warm and current-design figure, the fastest kept; default 2.
// - BENCH_STARTUP_EMFILE_FILES: article files in the descriptor row, default 20000 (0 skips it).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { startLoopback, type Loopback } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess } from '../tools/bot-process.js';
import { CORPUS_CACHE_FILE } from '../src/library/corpus-cache.js';
import { loadCorpus, type Corpus } from '../src/library/corpus.js';
import { loadShippedLibrary } from '../src/library/library.js';
import { writeCorpusFiles } from './corpus-files.js';
import { corpusStats, generateCorpus } from './generate-corpus.js';
import type { Row } from './run-one.js';

const SIZES = (process.env.BENCH_STARTUP_PARAGRAPHS ?? '5000,50000,200000').split(',').map(Number);
const SPAWN_FIRST_MAX = Number(process.env.BENCH_STARTUP_SPAWN_FIRST_MAX ?? 50_000);
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 2);
const EMFILE_FILES = Number(process.env.BENCH_STARTUP_EMFILE_FILES ?? 20_000);
const PARAGRAPHS_PER_ARTICLE = 10;
const LOW_DESCRIPTORS = 1024; // a common default limit
const TARGET_PARAGRAPHS = 50_000;
const CACHE_DIR = path.join('data', 'cache'); // src/bot.ts's, under the bot's working directory
const run = promisify(execFile);

/** One spawn's times in seconds, from spawn; the parts from the bot's log lines. */
interface Spawn {
  answered: number;
  parts: Record<'modules' | 'files' | 'quotes' | 'save' | 'index' | 'login' | 'answer', number>;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const describe = (spawn: Spawn) =>
  `${seconds(spawn.answered)} s (${Object.entries(spawn.parts)
    .map(([part, ms]) => `${part} ${seconds(ms)}`)
    .join(', ')})`;

// The bot's log lines this bench reads (pino JSON), as src/library/library.ts and src/bot.ts write them.
const logged = z.object({ time: z.number() });
const timed = logged.extend({ ms: z.number() });
const corpusReady = timed.extend({ filesMs: z.number(), quotesMs: z.number() });

/** The line the bot logged with message `msg`, checked against `schema`. */
function line<T extends z.ZodType>(logs: Array<Record<string, unknown>>, msg: string, schema: T): z.infer<T> {
  const found = logs.find((log) => log.msg === msg);
  if (!found) throw new Error(`the bot logged no "${msg}"`);
  return schema.parse(found);
}

/** Spawns the bot in `cwd` on `corpusDir`, waits for its answer to a /passage search for `query` that should find `ref`. */
async function spawnToAnswer(lb: Loopback, cwd: string, corpusDir: string, query: string, ref: string): Promise<Spawn> {
  const spawned = Date.now();
  const bot = await startBotProcess(lb, { storeUrl: `sqlite://${path.join(cwd, 'store.sqlite')}`, cwd, built: true, env: { CORPUS_DIR: corpusDir } });
  try {
    const search = await lb.driver.slash({ user: 'admin', name: 'passage', subcommand: 'search', options: { query } });
    const reply = await search.reply(30_000);
    const answered = Date.now();
    if (!JSON.stringify(reply).includes(ref)) throw new Error(`the search for "${query}" did not find ${ref}`);
    const corpus = line(bot.logs, 'corpus ready', corpusReady);
    const index = line(bot.logs, 'search index ready', timed);
    const [starting, ready] = [line(bot.logs, 'starting', logged), line(bot.logs, 'ready', logged)];
    return {
      answered: answered - spawned,
      parts: {
        modules: corpus.time - corpus.ms - spawned,
        files: corpus.filesMs,
        quotes: corpus.quotesMs,
        save: corpus.ms - corpus.filesMs - corpus.quotesMs,
        index: index.ms,
        login: ready.time - starting.time,
        answer: answered - ready.time,
      },
    };
  } finally {
    await bot.stop();
  }
}

async function fastest(runs: number, spawn: () => Promise<Spawn>): Promise<Spawn> {
  const spawns: Spawn[] = [];
  for (let i = 0; i < runs; i++) spawns.push(await spawn());
  return spawns.reduce((best, next) => (next.answered < best.answered ? next : best));
}

// The corpus and quotes loaded in a child process of their own, so that the old loader may run out
// of descriptors without taking the bench with it: prints its time and counts as JSON.
const LOADERS = {
  // Before the corpus cache: every file opened at once, parsed, then every quote extracted.
  old: `
    import { readdir, readFile } from 'node:fs/promises';
    import path from 'node:path';
    import { buildCorpus, parseArticle } from './src/library/corpus.ts';
    import { extractQuotes } from './src/library/quotes.ts';
    const dir = process.argv[1];
    const started = performance.now();
    const names = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
    const sources = await Promise.all(names.map((name) => readFile(path.join(dir, name), 'utf8')));
    const corpus = buildCorpus(sources.map((source, index) => parseArticle(path.join(dir, names[index]), source)));
    const quotes = extractQuotes(corpus).length;
    console.log(JSON.stringify({ ms: performance.now() - started, passages: corpus.passages.length, quotes }));`,
  cached: `
    import { loadOrParseCorpus } from './src/library/corpus-cache.ts';
    const started = performance.now();
    const { corpus, quotes, parsed } = await loadOrParseCorpus(process.argv[1], { cacheDir: process.argv[2] });
    if (parsed > 0) throw new Error(parsed + ' files were not in the cache');
    console.log(JSON.stringify({ ms: performance.now() - started, passages: corpus.passages.length, quotes: quotes.length }));`,
};

interface Loaded {
  ms: number;
  passages: number;
  quotes: number;
}

/** Runs `args` (bash's `exec "$@"`), with the descriptor limit lowered when given (Node raises its soft limit to the hard one, so both). */
async function runLimited(args: string[], descriptors?: number): Promise<{ stdout: string } | { failure: string }> {
  const limit = descriptors === undefined ? '' : `ulimit -n ${descriptors} && `;
  try {
    return await run('bash', ['-c', `${limit}exec "$@"`, 'bash', ...args], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''} ${(error as { stderr?: string }).stderr ?? ''}`;
    return { failure: /EMFILE/.test(output) ? 'EMFILE (too many open files)' : `failed: ${output.trim().split('\n').at(-1)}` };
  }
}

async function loadInChild(loader: keyof typeof LOADERS, args: string[], descriptors?: number): Promise<Loaded | string> {
  const result = await runLimited([process.execPath, '--import', 'tsx', '--input-type=module', '-e', LOADERS[loader], ...args], descriptors);
  return 'failure' in result ? result.failure : (JSON.parse(result.stdout) as Loaded);
}

/** A paragraph's distinctive words, as a reader would type them: its own 3 longest words. */
function queryFor(corpus: Corpus): { query: string; ref: string } {
  const passage = corpus.passages[Math.floor(corpus.passages.length / 2)]!;
  const words = [...new Set(passage.text.toLowerCase().match(/\p{L}+/gu))].sort((a, b) => b.length - a.length);
  return { query: words.slice(0, 3).join(' '), ref: passage.ref };
}

async function sizeRows(lb: Loopback, seed: Corpus, paragraphs: number): Promise<Row[]> {
  const label = `${paragraphs.toLocaleString('en')} paragraphs`;
  const corpus = generateCorpus(seed, Math.round(paragraphs / PARAGRAPHS_PER_ARTICLE), PARAGRAPHS_PER_ARTICLE);
  const stats = corpusStats(corpus);
  const cwd = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  const corpusDir = path.join(cwd, 'corpus');
  await writeCorpusFiles(corpus, corpusDir);
  const { query, ref } = queryFor(corpus);
  const bytes = corpus.passages.reduce((sum, passage) => sum + Buffer.byteLength(passage.text), 0);
  const target = paragraphs === TARGET_PARAGRAPHS ? '< 3 s' : '';
  const rows: Row[] = [];
  const add = (row: Row) => {
    rows.push(row);
    process.stderr.write(`${row.figure}: ${row.value}\n`);
  };
  add({
    figure: `startup ${label}: the corpus`,
    value: `${stats.distinctParagraphs.toLocaleString('en')} distinct paragraphs, vocabulary ${stats.vocabulary.toLocaleString('en')}, ${corpus.articles.length.toLocaleString('en')} files, ${(bytes / 1e6).toFixed(0)} MB of text`,
    target: '',
  });
  try {
    const cacheDir = path.join(cwd, CACHE_DIR);
    if (paragraphs <= SPAWN_FIRST_MAX) {
      const first = await spawnToAnswer(lb, cwd, corpusDir, query, ref);
      add({ figure: `startup ${label}: first start (no cache), spawn to answered search`, value: describe(first), target: '' });
    } else {
      const started = performance.now();
      await loadShippedLibrary(corpusDir, cacheDir, pino({ level: 'silent' }));
      add({ figure: `startup ${label}: first start, library built in process (no spawn: over the 30 s ready wait)`, value: `${seconds(performance.now() - started)} s`, target: '' });
    }
    const warm = await fastest(RUNS, () => spawnToAnswer(lb, cwd, corpusDir, query, ref));
    const current = await fastest(RUNS, async () => {
      rmSync(path.join(cacheDir, CORPUS_CACHE_FILE));
      return spawnToAnswer(lb, cwd, corpusDir, query, ref);
    });
    add({
      figure: `startup ${label}: warm start, spawn to answered search (current design: corpus cache removed)`,
      value: `${describe(warm)} (current design ${describe(current)})`,
      target,
    });

    // The corpus and quotes alone, each loader in a fresh process: from the cache, and the old loader.
    const cached = await loadInChild('cached', [corpusDir, cacheDir]);
    const old = await loadInChild('old', [corpusDir]);
    if (typeof cached === 'string') throw new Error(`the cached load ${cached}`);
    if (typeof old !== 'string' && (old.quotes !== cached.quotes || old.passages !== cached.passages)) throw new Error('the cached corpus differs from the parsed one');
    add({
      figure: `startup ${label}: corpus + quotes alone, cached (old loader: read all at once, parse, extract)`,
      value: `${seconds(cached.ms)} s (old ${typeof old === 'string' ? old : `${seconds(old.ms)} s`})`,
      target: '',
    });
    return rows;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function descriptorRow(seed: Corpus): Promise<Row> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-startup-files-'));
  try {
    await writeCorpusFiles(generateCorpus(seed, EMFILE_FILES, 2), dir);
    const started = performance.now();
    const ours = await runLimited([process.execPath, '--import', 'tsx', 'src/corpus-check.ts', dir], LOW_DESCRIPTORS);
    const oursValue = 'failure' in ours ? ours.failure : `read in ${seconds(performance.now() - started)} s`;
    const old = await loadInChild('old', [dir], LOW_DESCRIPTORS);
    return {
      figure: `startup: ${EMFILE_FILES.toLocaleString('en')} article files under ulimit -n ${LOW_DESCRIPTORS} (npm run corpus:check; old loader)`,
      value: `${oursValue} (old ${typeof old === 'string' ? old : `read in ${seconds(old.ms)} s`})`,
      target: 'no EMFILE',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(): Promise<Row[]> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const seed = await loadCorpus('corpus');
  const lb = await startLoopback();
  const rows: Row[] = [];
  try {
    await deployToLoopback(lb, { guildId: lb.world.defaultGuild.id });
    for (const paragraphs of SIZES) rows.push(...(await sizeRows(lb, seed, paragraphs)));
  } finally {
    await lb.close();
  }
  if (EMFILE_FILES > 0) rows.push(await descriptorRow(seed));
  return rows;
}
