import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createAddedArticles, type AddedArticle } from '../src/features/library/store.js';
import { createSettingsService } from '../src/features/settings/service.js';
import { loadCorpus, type Article } from '../src/library/corpus.js';
import { loadShippedLibrary, type GuildLibrary } from '../src/library/library.js';
import { createServerLibrary, type ServerLibrary } from '../src/library/server-library.js';
import { openStore } from '../src/lib/store.js';
import { generateCorpus } from './generate-corpus.js';
import type { Row } from './run-one.js';
import { memoryMb } from './search.js';
import { percentile } from './stats.js';

/**
 * Server libraries (SPEC section 10, issue 13):
 *
 * - Memory: BENCH_LIBRARY_SERVERS servers (default 10,000), each with 5 added articles of 40
 *   generated paragraphs, each searched once in turn, the library cache bounded by
 *   LIBRARY_CACHE_MB's default (64 MB): the heap the libraries hold at the end. Beside it,
 *   keeping every server's index, measured with the cache unbounded for BENCH_LIBRARY_KEEP
 *   servers (default 200) and multiplied out, since 10,000 of them do not fit in this machine.
 *   The articles are read from memory here, each read a fresh copy of the text as the store
 *   gives one: the figure is the libraries', not the store's.
 * - A server's first search after start (cold): a new library and settings on a SQLite store
 *   holding 5 articles of 40 paragraphs (200) for each of BENCH_LIBRARY_COLD servers (default
 *   50): from the first read to the search's hits, median and p99.
 * - Adding an article of 2,000 paragraphs (under the 1 MB limit) until it is searchable: the
 *   store write (which parses it), the invalidation, and the first search that finds it.
 */
const SERVERS = Number(process.env.BENCH_LIBRARY_SERVERS ?? 10_000);
const KEEP = Number(process.env.BENCH_LIBRARY_KEEP ?? 200);
const COLD = Number(process.env.BENCH_LIBRARY_COLD ?? 50);
const ARTICLES_PER_SERVER = 5;
const PARAGRAPHS_PER_ARTICLE = 40;
/** Distinct generated articles the servers share out (each server's index is its own all the same). */
const POOL = 500;
const CACHE_MB = 64;
const ADDED_BY = '40000000000000000';

const silent = pino({ level: 'silent' });
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (value: number) => `${value.toFixed(1)} MB`;
const guildOf = (n: number) => String(100_000_000_000_000_000n + BigInt(n));

/** An article as the `.txt` upload a member would attach: the title, then the paragraphs. */
function upload(article: Article, paragraphs = article.paragraphs.map((passage) => passage.text)): AddedArticle {
  return { filename: `${article.id}.txt`, text: `${article.title}\n\n${paragraphs.join('\n\n')}\n`, addedAt: new Date().toISOString(), addedBy: ADDED_BY };
}

/** A library whose servers' articles come from `uploads`, each read a fresh copy of the texts. */
function libraryFrom(shipped: GuildLibrary, uploads: (guildId: string) => AddedArticle[], cacheBytes: number): ServerLibrary {
  return createServerLibrary({
    shipped,
    articles: { list: async (guildId) => uploads(guildId).map((record) => ({ ...record, text: Buffer.from(record.text).toString() })) },
    prompts: { forLibrary: async () => [] },
    settings: { get: async () => ({ shipped_articles: true }) },
    cacheBytes,
    logger: silent,
  });
}

/** Heap held after `servers` servers each searched once through `library`, beyond what was held before. */
async function heapAfterWalk(library: ServerLibrary, servers: number, query: string): Promise<{ heap: number; perServerMs: number }> {
  const before = await memoryMb();
  const started = performance.now();
  for (let n = 0; n < servers; n++) (await library.forGuild(guildOf(n))).search.search(query, { limit: 25 });
  const perServerMs = (performance.now() - started) / servers;
  return { heap: (await memoryMb()) - before, perServerMs };
}

export async function benchLibraries(): Promise<Row[]> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'marginalia-bench-libraries-'));
  try {
    const shipped = await loadShippedLibrary('corpus', cacheDir, silent);
    const seed = await loadCorpus('corpus');
    const pool = generateCorpus(seed, POOL, PARAGRAPHS_PER_ARTICLE, 13).articles.map((article) => upload(article));
    const uploads = (guildId: string) => {
      const n = Number(BigInt(guildId) - 100_000_000_000_000_000n);
      return Array.from({ length: ARTICLES_PER_SERVER }, (_, k) => pool[(n * ARTICLES_PER_SERVER + k) % POOL]!);
    };
    const query = 'river Kazakhstan';

    const bounded = libraryFrom(shipped, uploads, CACHE_MB * 2 ** 20);
    const walk = await heapAfterWalk(bounded, SERVERS, query);
    const everyone = libraryFrom(shipped, uploads, Number.MAX_SAFE_INTEGER);
    const kept = await heapAfterWalk(everyone, KEEP, query);
    const perServer = kept.heap / KEEP;
    const rows: Row[] = [
      {
        figure: `libraries: ${SERVERS.toLocaleString('en')} servers × ${ARTICLES_PER_SERVER} added articles of ${PARAGRAPHS_PER_ARTICLE} paragraphs, each searched once: heap held, LIBRARY_CACHE_MB=${CACHE_MB}`,
        value: `${mb(walk.heap)} (${ms(walk.perServerMs)} a server, its library built)`,
        target: `≤ ${CACHE_MB} MB`,
      },
      {
        figure: '… keeping every server’s index instead',
        value: `${mb(perServer * SERVERS)} (${mb(perServer)} a server, measured for ${KEEP.toLocaleString('en')})`,
        target: '',
      },
    ];

    const store = openStore(`sqlite://${path.join(cacheDir, 'store.sqlite')}`);
    try {
      const articles = createAddedArticles(store, silent);
      for (let n = 0; n < COLD; n++) for (const record of uploads(guildOf(n))) await articles.add(guildOf(n), record);
      const cold: number[] = [];
      for (let n = 0; n < COLD; n++) {
        // A new process's library: nothing read yet, the settings included.
        const settings = createSettingsService({ store, logger: silent });
        const library = createServerLibrary({ shipped, articles, prompts: { forLibrary: async () => [] }, settings, cacheBytes: CACHE_MB * 2 ** 20, logger: silent });
        const started = performance.now();
        const hits = (await library.forGuild(guildOf(n))).search.search(query, { limit: 25 });
        cold.push(performance.now() - started);
        if (hits.length === 0) throw new Error('the cold search found nothing');
      }
      cold.sort((a, b) => a - b);
      rows.push({
        figure: `a server’s first search after start (cold), ${ARTICLES_PER_SERVER * PARAGRAPHS_PER_ARTICLE} added paragraphs on SQLite, median / p99 of ${COLD}`,
        value: `${ms(percentile(cold, 0.5))} / ${ms(percentile(cold, 0.99))}`,
        target: '< 50 ms',
      });

      // 2,000 paragraphs of a sentence or two each: the most /library add takes, under 1 MB.
      const long = generateCorpus(seed, 1, 2000, 17).articles[0]!;
      const record = upload(long, long.paragraphs.map((passage) => passage.text.slice(0, passage.text.indexOf('.', 150) + 1 || 300)));
      const settings = createSettingsService({ store, logger: silent });
      const library = createServerLibrary({ shipped, articles, prompts: { forLibrary: async () => [] }, settings, cacheBytes: CACHE_MB * 2 ** 20, logger: silent });
      const guildId = guildOf(SERVERS + 1);
      await library.forGuild(guildId);
      const words = long.paragraphs[1000]!.text.split(' ').slice(0, 3).join(' ');
      const started = performance.now();
      await articles.add(guildId, record);
      library.invalidate(guildId);
      const found = (await library.forGuild(guildId)).search.search(words, { limit: 25 });
      const addMs = performance.now() - started;
      if (!found.some((hit) => hit.articleId === long.id)) throw new Error('the added article was not found');
      rows.push({
        figure: `adding an article of 2,000 paragraphs (${mb(Buffer.byteLength(record.text) / 2 ** 20)}) until searchable: store, index, first search`,
        value: ms(addMs),
        target: '< 1 s',
      });
    } finally {
      await store.close();
    }
    return rows;
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
