import type { Logger } from '../lib/logger.js';
import { loadOrBuildSearchIndex } from '../search/cache.js';
import type { SearchIndex } from '../search/engine.js';
import { loadCorpus, type Corpus } from './corpus.js';
import { loadPrompts, type PromptSet } from './prompts.js';
import { extractQuotes, type Quote } from './quotes.js';

/** What one server reads: its articles, their search index, quotes and prompts. */
export interface GuildLibrary {
  corpus: Corpus;
  search: SearchIndex;
  quotes: Quote[];
  prompts: PromptSet;
}

/**
 * The port every feature reads articles through. Today every server gets the shipped
 * corpus; server libraries (SPEC section 10) fill it from the store, per server.
 */
export interface Library {
  forGuild(guildId: string): Promise<GuildLibrary>;
}

/** The same shipped library for every server. */
export function shippedLibrary(shipped: GuildLibrary): Library {
  const ready = Promise.resolve(shipped);
  return { forGuild: () => ready };
}

/**
 * Loads the corpus folder: articles, the search index (kept in `cacheDir` and rebuilt
 * only when the corpus changes, so a large corpus starts fast), quotes and prompts.
 */
export async function loadShippedLibrary(corpusDir: string, cacheDir: string, logger: Logger): Promise<GuildLibrary> {
  const corpus = await loadCorpus(corpusDir);
  const { index: search, source, ms } = await loadOrBuildSearchIndex(corpus, { cacheDir, logger });
  logger.info({ source, ms: Math.round(ms) }, 'search index ready');
  const quotes = extractQuotes(corpus);
  const prompts = await loadPrompts(corpusDir, corpus, quotes);
  return { corpus, search, quotes, prompts };
}
