import type { Logger } from '../lib/logger.js';
import { loadOrBuildSearchIndex } from '../search/cache.js';
import type { SearchIndex } from '../search/engine.js';
import type { Spellings } from '../search/spellings.js';
import { loadOrParseCorpus } from './corpus-cache.js';
import { loadQuotes } from './curated-quotes.js';
import type { Corpus } from './corpus.js';
import { loadPrompts, type PromptSet } from './prompts.js';
import type { Quote } from './quotes.js';
import { loadSpellings } from './spellings.js';

/** What one server reads: its articles, their search index, quotes and prompts. */
export interface GuildLibrary {
  corpus: Corpus;
  search: SearchIndex;
  /** Other spellings of names and words, applied to every search of this library. */
  spellings: Spellings;
  quotes: Quote[];
  prompts: PromptSet;
}

/**
 * The port every feature reads articles through: each server's library, the shipped corpus
 * joined to the server's own articles and prompts (server-library.ts, SPEC section 10).
 */
export interface Library {
  forGuild(guildId: string): Promise<GuildLibrary>;
}

/** The same shipped library for every server, with no store: for tests of the features that read a library. */
export function shippedLibrary(shipped: GuildLibrary): Library {
  const ready = Promise.resolve(shipped);
  return { forGuild: () => ready };
}

/**
 * Loads the corpus folder: articles and quotes, then the search index, both kept in
 * `cacheDir` and redone only for what changed, so a large corpus starts fast; then the
 * curated quotes (which replace the found ones of the articles they cover) and prompts.
 */
export async function loadShippedLibrary(corpusDir: string, cacheDir: string, logger: Logger): Promise<GuildLibrary> {
  const started = performance.now();
  const { corpus, quotes: extracted, key, parsed, filesMs, quotesMs } = await loadOrParseCorpus(corpusDir, { cacheDir, logger });
  const { quotes } = await loadQuotes(corpusDir, corpus, extracted);
  // ms: the whole load; the rest after files and quotes is saving the corpus cache.
  logger.info(
    { articles: corpus.articles.length, passages: corpus.passages.length, quotes: quotes.length, parsed, ms: Math.round(performance.now() - started), filesMs: Math.round(filesMs), quotesMs: Math.round(quotesMs) },
    'corpus ready',
  );
  const { index: search, source, ms } = await loadOrBuildSearchIndex(corpus, { cacheDir, logger, corpusKey: key });
  logger.info({ source, ms: Math.round(ms) }, 'search index ready');
  const prompts = await loadPrompts(corpusDir, corpus, quotes);
  const spellings = await loadSpellings(corpusDir);
  return { corpus, search, spellings, quotes, prompts };
}
