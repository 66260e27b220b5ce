import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCorpus, type Corpus } from '../src/library/corpus.js';
import { SEARCH_CACHE_FILE, loadOrBuildSearchIndex } from '../src/search/cache.js';
import { DEFAULT_SEARCH_CONFIG, PassageSearch, type SearchConfig, type SearchIndex } from '../src/search/engine.js';
import { generateCorpus } from './generate-corpus.js';

/**
 * Search figures (SPEC section 9): build time, start-up from the saved index, query
 * median and p99 over a mix of queries (exact words, typos, word forms, a name typed
 * letter by letter as autocomplete sends it, several words, no match, odd input,
 * with and without an article filter), and heap, on the shipped corpus and on the
 * generated 5,000-article corpus. `BENCH_SEARCH_COMPARE=1` also measures the
 * generated corpus without typo tolerance, to show what it costs.
 */
export interface Figure {
  figure: string;
  value: string;
  target: string;
}

const TYPED = (text: string) => Array.from({ length: text.length }, (_, i) => text.slice(0, i + 1)).filter((q) => q.trim() !== '');

const QUERY_MIX: string[] = [
  // exact words
  'CSTO', 'Putin', 'internet', 'Kazakhstan', 'communist', 'freedom', 'Baikonur', 'Navalny', 'Trotsky', 'Robespierre',
  // typos
  'Nazarbaev', 'revolutoin', 'guerilla', 'Kazakstan', 'Petersberg', 'propoganda', 'totalitarain', 'cowardise',
  // word forms
  'protesters', 'rebelling', 'interfering', 'repressions', 'militants',
  // typed letter by letter (autocomplete)
  ...TYPED('Kazakh'), ...TYPED('Nazar'), ...TYPED('Putin cowa'),
  // several words
  'Putin coward', 'KGB lieutenant colonel', 'St. Petersburg', 'putin coward slavery', 'putin kazakhstan russia', 'russia soviet',
  'communist empire collapse', 'freedom riot bread', 'Putin Nazarbaev revolutoin', 'Soviet Union collapse of the federation',
  // no match, stop words, odd input
  'xyzzyq', 'qqqq zzzz', 'the', '.*+?^${}()|[]\\', '😀 Putin', 'x'.repeat(6000),
];

interface Timing {
  median: number;
  p99: number;
  coldP99: number;
  count: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Times every query of the mix (each with and without an article filter) over several rounds; the first round is cold. */
function timeQueries(index: SearchIndex, articleIds: string[], rounds = 5): Timing {
  const samples: number[] = [];
  const cold: number[] = [];
  for (let round = 0; round < rounds; round++) {
    QUERY_MIX.forEach((query, i) => {
      for (const articleId of [undefined, articleIds[i % articleIds.length]]) {
        const started = performance.now();
        index.search(query, { articleId, limit: 25 });
        const ms = performance.now() - started;
        samples.push(ms);
        if (round === 0) cold.push(ms);
      }
    });
  }
  samples.sort((a, b) => a - b);
  cold.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p99: percentile(samples, 99), coldP99: percentile(cold, 99), count: samples.length };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

const ms = (value: number) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 10 ? 1 : 3)} ms`);

async function measure(label: string, corpus: Corpus, config: SearchConfig, withCache: boolean): Promise<Figure[]> {
  const figures: Figure[] = [];
  const passages = `${corpus.passages.length.toLocaleString('en')} passages`;
  const heapBefore = heapMb();
  let started = performance.now();
  let index: SearchIndex = PassageSearch.build(corpus, config);
  figures.push({ figure: `${label}: search index build (${passages})`, value: ms(performance.now() - started), target: 'once per corpus change' });

  if (withCache) {
    const dir = await mkdtemp(path.join(tmpdir(), 'marginalia-bench-search-'));
    try {
      started = performance.now();
      const built = await loadOrBuildSearchIndex(corpus, { cacheDir: dir, config });
      const size = (await stat(path.join(dir, SEARCH_CACHE_FILE))).size;
      figures.push({
        figure: `${label}: first start (build and save, ${(size / 1_048_576).toFixed(1)} MB)`,
        value: ms(performance.now() - started),
        target: `source ${built.source}`,
      });
      index = built.index;
      started = performance.now();
      const loaded = await loadOrBuildSearchIndex(corpus, { cacheDir: dir, config });
      figures.push({ figure: `${label}: start-up to searchable (saved index)`, value: ms(performance.now() - started), target: `< 3000 ms, source ${loaded.source}` });
      index = loaded.index;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const articleIds = [...new Set(corpus.passages.map((passage) => passage.articleId))].filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 7)) === 0);
  const timing = timeQueries(index, articleIds);
  figures.push({ figure: `${label}: query median (${timing.count} searches)`, value: ms(timing.median), target: '< 1 ms' });
  figures.push({ figure: `${label}: query p99`, value: ms(timing.p99), target: '< 5 ms' });
  figures.push({ figure: `${label}: query p99, first round (cold memo)`, value: ms(timing.coldP99), target: '< 5 ms' });
  figures.push({ figure: `${label}: heap held by the index`, value: `${Math.max(0, heapMb() - heapBefore).toFixed(0)} MB`, target: 'informative' });
  // Keep the index alive until the heap was read.
  if (index.search('CSTO').length === 0 && corpus.passages.length > 1000) figures.push({ figure: `${label}: sanity`, value: 'CSTO not found', target: 'found' });
  return figures;
}

export async function benchSearch(): Promise<Figure[]> {
  const shipped = await loadCorpus(path.join(process.cwd(), 'corpus'));
  const figures = await measure('shipped corpus', shipped, DEFAULT_SEARCH_CONFIG, true);
  const generated = generateCorpus(shipped, 5000);
  figures.push(...(await measure('generated corpus', generated, DEFAULT_SEARCH_CONFIG, true)));
  if (process.env.BENCH_SEARCH_COMPARE === '1') {
    figures.push(...(await measure('generated, no typo tolerance', generated, { ...DEFAULT_SEARCH_CONFIG, fuzzy: 0 }, false)));
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const figures = await benchSearch();
  console.table(figures);
  console.log(`search bench took ${ms(performance.now() - started)}`);
}
