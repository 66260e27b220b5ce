import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import { loadCorpus, type Corpus } from '../src/library/corpus.js';
import { SEARCH_CACHE_FILE, loadOrBuildSearchIndex } from '../src/search/cache.js';
import type { SearchIndex } from '../src/search/engine.js';
import { normaliseTerm } from '../src/search/terms.js';
import { corpusStats, generateCorpus } from './generate-corpus.js';
import { recall, searchQueries, type QuerySet } from './search-queries.js';
import { percentile } from './stats.js';

/**
 * Search figures (SPEC section 9, issue 11): per class of query (see search-queries.ts),
 * median and p99 on the first pass (a freshly loaded index per class, every query new to
 * it) and warm (the same queries again), and recall, beside MiniSearch configured the
 * usual way for this job (the same normalisation: folding, stop words and the `stemmer`
 * package's Porter stem; fuzzy 0.2 up to 2 edits; prefix), measured in the same run; on
 * the shipped corpus and generated corpora of 5,000, 50,000 and 200,000 distinct
 * paragraphs, with the generator's distinct-paragraph and vocabulary counts, index build
 * (and save) time, start-up from the saved index, and the heap the index holds.
 *
 * Environment: `BENCH_SEARCH_SIZES` (paragraph counts, default `5000,50000`, about 3.5
 * minutes; `5000,50000,200000` adds the largest, about 9 minutes, most of it MiniSearch's
 * build and queries), `BENCH_SEARCH_QUERIES` (queries per class, default 100). A class's
 * pass stops after 20 s (MiniSearch on long texts at 200,000): its row says how many
 * queries it ran.
 */
interface Row {
  figure: string;
  value: string;
  target: string;
}

interface Engine {
  search(query: string): number[];
}

interface PassTiming {
  p50: number;
  p99: number;
  count: number;
  hits: number[][];
}

const LIMIT = 25;
const PASS_BUDGET_MS = 20_000;

function timePass(engine: Engine, queries: string[]): PassTiming {
  const samples: number[] = [];
  const hits: number[][] = [];
  const started = performance.now();
  for (const query of queries) {
    if (performance.now() - started > PASS_BUDGET_MS) break;
    const before = performance.now();
    hits.push(engine.search(query));
    samples.push(performance.now() - before);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), count: samples.length, hits };
}

/** Mean recall over the judged queries the pass reached. */
function meanRecall(set: QuerySet, pass: PassTiming): number {
  const hitsOf = new Map(set.queries.slice(0, pass.count).map((query, i) => [query, pass.hits[i]!]));
  const scores = set.judged.filter(({ query }) => hitsOf.has(query)).map(({ query, relevant }) => recall(hitsOf.get(query)!, relevant, LIMIT));
  return scores.reduce((sum, score) => sum + score, 0) / Math.max(1, scores.length);
}

/** Heap and array buffers after a full collection; array buffers are freed by a sweeper that runs after it, hence the pause and second pass. */
export async function memoryMb(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1_048_576;
}

const ms = (value: number) => (value >= 100 ? `${Math.round(value).toLocaleString('en')} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`);
const pct = (value: number) => `${Math.round(value * 100)}%`;
const timing = (pass: PassTiming, total: number) => `${ms(pass.p50)} / ${ms(pass.p99)}${pass.count < total ? ` (${pass.count} of ${total} queries)` : ''}`;

function ours(index: SearchIndex, docOf: Map<string, number>): Engine {
  return { search: (query) => index.search(query, { limit: LIMIT }).map((hit) => docOf.get(hit.ref)!) };
}

const MINISEARCH_OPTIONS = {
  fields: ['text'],
  processTerm: (term: string) => normaliseTerm(term) ?? null,
  searchOptions: { fuzzy: 0.2, maxFuzzy: 2, prefix: true },
};

function miniSearch(index: MiniSearch): Engine {
  return { search: (query) => index.search(query).slice(0, LIMIT).map((result) => result.id as number) };
}

/** Builds and saves the index; returns when it can be collected, so the next figures start clean. */
async function buildAndSave(corpus: Corpus, cacheDir: string): Promise<{ buildMs: number; builtMb: number }> {
  const base = await memoryMb();
  const started = performance.now();
  const built = await loadOrBuildSearchIndex(corpus, { cacheDir });
  const buildMs = performance.now() - started;
  const builtMb = (await memoryMb()) - base;
  if (built.source !== 'built') throw new Error('the search index was not built');
  return { buildMs, builtMb };
}

/** A freshly loaded index (nothing warm) runs the set twice: first pass, then warm. */
async function loadAndRun(corpus: Corpus, cacheDir: string, set: QuerySet, docOf: Map<string, number>) {
  const base = await memoryMb();
  const started = performance.now();
  const loaded = await loadOrBuildSearchIndex(corpus, { cacheDir });
  const loadMs = performance.now() - started;
  if (loaded.source !== 'cache') throw new Error('the saved search index was not used');
  const engine = ours(loaded.index, docOf);
  // The load's garbage (the file read) is collected before the first query, as a bot's idle time after start-up would.
  await memoryMb();
  const first = timePass(engine, set.queries);
  const warm = timePass(engine, set.queries);
  return { first, warm, loadMs, heldMb: (await memoryMb()) - base };
}

async function measure(label: string, corpus: Corpus, perClass: number): Promise<Row[]> {
  const rows: Row[] = [];
  const stats = corpusStats(corpus);
  rows.push({
    figure: `${label}: distinct paragraphs / vocabulary`,
    value: `${stats.distinctParagraphs.toLocaleString('en')} of ${stats.paragraphs.toLocaleString('en')} / ${stats.vocabulary.toLocaleString('en')} words (${stats.tokens.toLocaleString('en')} tokens)`,
    target: 'every paragraph distinct',
  });
  const sets = searchQueries(corpus, perClass);
  const docOf = new Map(corpus.passages.map((passage, doc) => [passage.ref, doc]));

  // Ours: build and save, then load as a restarted bot does; heap after each, build garbage collected.
  const dir = await mkdtemp(path.join(tmpdir(), 'marginalia-bench-search-'));
  const first = { ours: new Map<string, PassTiming>(), mini: new Map<string, PassTiming>() };
  const warm = { ours: new Map<string, PassTiming>(), mini: new Map<string, PassTiming>() };
  let buildMs: number;
  let loadMs = 0;
  let builtMb: number;
  let loadedMb = 0;
  let fileMb: number;
  try {
    ({ buildMs, builtMb } = await buildAndSave(corpus, dir));
    fileMb = (await stat(path.join(dir, SEARCH_CACHE_FILE))).size / 1_048_576;
    for (const set of sets) {
      const run = await loadAndRun(corpus, dir, set, docOf);
      first.ours.set(set.name, run.first);
      warm.ours.set(set.name, run.warm);
      loadMs = Math.max(loadMs, run.loadMs);
      loadedMb = Math.max(loadedMb, run.heldMb);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // MiniSearch, measured the same way.
  const base = await memoryMb();
  let started = performance.now();
  let mini: MiniSearch | undefined = new MiniSearch(MINISEARCH_OPTIONS);
  mini.addAll(corpus.passages.map((passage, id) => ({ id, text: passage.text })));
  const miniBuildMs = performance.now() - started;
  const miniMb = (await memoryMb()) - base;
  let miniLoad = 'n/a';
  try {
    const json = JSON.stringify(mini);
    started = performance.now();
    mini = MiniSearch.loadJSON(json, MINISEARCH_OPTIONS);
    miniLoad = ms(performance.now() - started);
  } catch (error) {
    miniLoad = `cannot save: ${(error as Error).message}`;
  }
  for (const set of sets) {
    const engine = miniSearch(mini);
    first.mini.set(set.name, timePass(engine, set.queries));
    warm.mini.set(set.name, timePass(engine, set.queries));
  }
  mini = undefined;

  rows.push({ figure: `${label}: index build and save`, value: `${ms(buildMs)} (MiniSearch build ${ms(miniBuildMs)})`, target: 'once per corpus change' });
  rows.push({
    figure: `${label}: start-up to searchable from the saved index (${fileMb.toFixed(1)} MB file)`,
    value: `${ms(loadMs)} (MiniSearch loadJSON ${miniLoad})`,
    target: '< 3000 ms with the rest of start-up',
  });
  rows.push({
    figure: `${label}: heap + array buffers held by the index, after build / after load`,
    value: `${builtMb.toFixed(1)} / ${loadedMb.toFixed(1)} MB (MiniSearch ${miniMb.toFixed(1)} MB)`,
    target: label.startsWith('50,000') ? '≤ 25 MB' : 'informative',
  });
  for (const set of sets) {
    const count = set.queries.length;
    const [oursFirst, miniFirst] = [first.ours.get(set.name)!, first.mini.get(set.name)!];
    const [oursWarm, miniWarm] = [warm.ours.get(set.name)!, warm.mini.get(set.name)!];
    rows.push({
      figure: `${label}: ${set.name}, first pass, median / p99 (${count} queries)`,
      value: `${timing(oursFirst, count)} (MiniSearch ${timing(miniFirst, count)})`,
      target: '< 1 / < 5 ms',
    });
    rows.push({ figure: `${label}: ${set.name}, warm, median / p99`, value: `${timing(oursWarm, count)} (MiniSearch ${timing(miniWarm, count)})`, target: '< 1 / < 5 ms' });
    rows.push({
      figure: `${label}: ${set.name}, recall in the first ${LIMIT}`,
      value: `${pct(meanRecall(set, oursFirst))} (MiniSearch ${pct(meanRecall(set, miniFirst))})`,
      target: '≥ MiniSearch',
    });
  }
  return rows;
}

export async function benchSearch(): Promise<Row[]> {
  const perClass = Number(process.env.BENCH_SEARCH_QUERIES ?? 100);
  const sizes = (process.env.BENCH_SEARCH_SIZES ?? '5000,50000').split(',').map(Number);
  const shipped = await loadCorpus(path.join(process.cwd(), 'corpus'));
  const rows = await measure('shipped corpus', shipped, perClass);
  for (const paragraphs of sizes) {
    const started = performance.now();
    const corpus = generateCorpus(shipped, Math.round(paragraphs / 10));
    const generated = performance.now() - started;
    const measured = await measure(`${paragraphs.toLocaleString('en')} paragraphs`, corpus, perClass);
    measured[0]!.value += `, generated in ${ms(generated)}`;
    rows.push(...measured);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  console.table(await benchSearch());
  console.log(`search bench took ${ms(performance.now() - started)}`);
}
