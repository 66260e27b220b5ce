import type { AddedArticle, AddedArticles } from '../features/library/store.js';
import type { Logger } from '../lib/logger.js';
import { StoreUnavailable } from '../lib/store.js';
import { PassageSearch, type SearchHit, type SearchIndex, type SearchOptions } from '../search/engine.js';
import { buildCorpus, type Article, type Corpus } from './corpus.js';
import { boundedCache } from './library-cache.js';
import type { GuildLibrary, Library } from './library.js';
import type { Prompt, PromptSet } from './prompts.js';
import { extractQuotes } from './quotes.js';
import { parseUpload } from './uploaded.js';

export interface ServerLibrary extends Library {
  /** Drop what is cached for a server (after an article or a prompt of it changed in this process). */
  invalidate(guildId: string): void;
}

export interface ServerLibraryDeps {
  shipped: GuildLibrary;
  articles: Pick<AddedArticles, 'list'>;
  /** The server's own prompts, joined to the shipped prompts. */
  prompts: { forLibrary(guildId: string): Promise<Prompt[]> };
  settings: { get(guildId: string): Promise<{ shipped_articles: boolean }> };
  /** The bound of the cache of servers' libraries (LIBRARY_CACHE_MB). */
  cacheBytes: number;
  logger: Logger;
}

interface Entry {
  shippedArticles: boolean;
  library: GuildLibrary;
}

/** What remembering that a server reads the shipped library as it is takes: the key and the entry. */
const PLAIN_ENTRY_BYTES = 200;
/** The engine's default number of hits. */
const DEFAULT_LIMIT = 25;

/**
 * Each server's library: the shipped one, shared as it is by every server that added
 * nothing of its own, or the shipped articles (unless the server hides them) joined to its
 * added articles, with its own search index and quotes, and its own prompts. A server's
 * library is built on first use and kept in a cache bounded by `cacheBytes`, the least
 * recently used evicted; its next use builds it again from the store. The setting
 * `shipped_articles` is read on every use (from the settings' memory), so changing it needs
 * no invalidation.
 */
export function createServerLibrary({ shipped, articles, prompts, settings, cacheBytes, logger }: ServerLibraryDeps): ServerLibrary {
  const cache = boundedCache<Entry>(cacheBytes);

  /** The added articles that parse, and whose ids the shipped articles shown do not already use. */
  function ownArticles(guildId: string, added: AddedArticle[], shippedArticles: boolean): Article[] {
    const taken = new Set(shippedArticles ? shipped.corpus.byId.keys() : []);
    return added.flatMap((record) => {
      let article: Article;
      try {
        article = parseUpload(record);
      } catch (error) {
        logger.warn({ guildId, filename: record.filename, err: (error as Error).message }, 'an added article no longer parses; it is left out');
        return [];
      }
      if (taken.has(article.id)) {
        logger.warn({ guildId, articleId: article.id }, 'an added article has the id of an article already in the library; it is left out');
        return [];
      }
      taken.add(article.id);
      return [article];
    });
  }

  async function build(guildId: string) {
    const [{ shipped_articles: shippedArticles }, added, own] = await Promise.all([settings.get(guildId), articles.list(guildId), prompts.forLibrary(guildId)]);
    if (shippedArticles && added.length === 0 && own.length === 0) return { value: { shippedArticles, library: shipped }, bytes: PLAIN_ENTRY_BYTES };
    const started = performance.now();
    const corpus = buildCorpus(ownArticles(guildId, added, shippedArticles));
    const index = PassageSearch.build(corpus);
    const library = joined(shipped, shippedArticles, { corpus, index, prompts: own });
    const bytes = estimateBytes(corpus, index, library, shipped);
    logger.debug({ guildId, articles: corpus.articles.length, passages: corpus.passages.length, bytes, ms: Math.round(performance.now() - started) }, 'server library built');
    return { value: { shippedArticles, library }, bytes };
  }

  return {
    async forGuild(guildId) {
      const cached = cache.get(guildId);
      // Read beside the build (which reads it too, from the settings' memory or their read in flight).
      const reading = settings.get(guildId);
      reading.catch(() => undefined); // awaited below; the build's failure may come first
      try {
        let entry = cached ?? (await cache.load(guildId, () => build(guildId)));
        const { shipped_articles } = await reading;
        // Built before the setting changed (or joined while being built so): built again.
        if (entry.shippedArticles !== shipped_articles) {
          cache.delete(guildId);
          entry = await cache.load(guildId, () => build(guildId));
        }
        return entry.library;
      } catch (error) {
        if (!(error instanceof StoreUnavailable)) throw error;
        // Reading stays up while the store is down (the store logs the outage once): the library as
        // last built, or the shipped one, which is all a server has until the store answers again.
        logger.debug({ guildId }, 'server library read without the store');
        return cached?.library ?? shipped;
      }
    },
    invalidate(guildId) {
      cache.delete(guildId);
    },
  };
}

interface OwnPart {
  corpus: Corpus;
  index: SearchIndex;
  prompts: Prompt[];
}

/** `make()`'s value, made on the first call. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** A server's library: its own part, after the shipped articles when they are shown. */
function joined(shipped: GuildLibrary, shippedArticles: boolean, own: OwnPart): GuildLibrary {
  // Hidden shipped articles take the prompts about them along; general prompts ask about any passage.
  const shippedPrompts = shippedArticles ? shipped.prompts.prompts : shipped.prompts.prompts.filter((prompt) => prompt.refs.length === 0 && prompt.articles === undefined);
  const prompts: PromptSet = { file: shipped.prompts.file, prompts: [...shippedPrompts, ...own.prompts] };
  // Only prompts of its own: the shipped articles as they are.
  if (shippedArticles && own.corpus.articles.length === 0) return { ...shipped, prompts };
  // Found when first asked for (/quote, the daily post), so that a server's first search does not wait for them.
  const quotes = once(() => (shippedArticles ? [...shipped.quotes, ...extractQuotes(own.corpus)] : extractQuotes(own.corpus)));
  if (!shippedArticles) {
    return {
      corpus: own.corpus,
      search: own.index,
      spellings: shipped.spellings,
      get quotes() {
        return quotes();
      },
      prompts,
    };
  }
  const articles = [...shipped.corpus.articles, ...own.corpus.articles];
  return {
    corpus: { articles, byId: new Map(articles.map((article) => [article.id, article])), passages: [...shipped.corpus.passages, ...own.corpus.passages] },
    search: joinedSearch(shipped.search, own.index, new Set(own.corpus.byId.keys())),
    spellings: shipped.spellings,
    get quotes() {
      return quotes();
    },
    prompts,
  };
}

/**
 * One ranking across the shipped index and a server's own: each gives its best hits, and
 * they are merged by score; equal scores alternate by rank in their own index, shipped
 * first. Both indexes normalise words the same way, so snippets highlight either's terms.
 */
function joinedSearch(shipped: SearchIndex, own: SearchIndex, ownIds: ReadonlySet<string>): SearchIndex {
  return {
    normalise: (word) => shipped.normalise(word),
    search(query: string, options: SearchOptions = {}): SearchHit[] {
      if (options.articleId !== undefined) return (ownIds.has(options.articleId) ? own : shipped).search(query, options);
      const ranked = [shipped.search(query, options), own.search(query, options)].flatMap((hits, source) => hits.map((hit, rank) => ({ hit, rank, source })));
      ranked.sort((a, b) => b.hit.score - a.hit.score || a.rank - b.rank || a.source - b.source);
      return ranked.slice(0, options.limit ?? DEFAULT_LIMIT).map(({ hit }) => hit);
    },
  };
}

/** Bytes a string's characters take: one each when all are Latin-1 (V8 then stores one byte a character), else two. */
function stringBytes(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}

/**
 * What a server's own part holds in memory, counted from what it is made of: the index's
 * tables (their typed arrays' bytes and strings), the engine's per-passage scratch arrays and
 * its typo lists (letter triples of every word), the articles' texts and passage objects, the
 * quotes (3.5 a paragraph, whether found yet or not), and the library's joined arrays. Against
 * the heap measured after a full collection, for generated articles of 200 and 1,000
 * paragraphs with their quotes found, it came within 5%.
 */
function estimateBytes(corpus: Corpus, index: PassageSearch, library: GuildLibrary, shipped: GuildLibrary): number {
  const { terms, words, postings, docCount } = index.snapshot();
  const tables = [terms.starts, words.starts, words.terms, words.counts, postings.starts, postings.docs, postings.weights].reduce((sum, array) => sum + array.byteLength, 0);
  const wordCount = words.starts.length - 1;
  const triples = words.text.length + 2 * wordCount;
  const typos = triples * TYPO_BYTES_PER_TRIPLE + wordCount * 6;
  const scratch = docCount * SCRATCH_BYTES_PER_PASSAGE;
  const texts = corpus.articles.reduce((sum, article) => sum + article.paragraphs.reduce((total, passage) => total + stringBytes(passage.text), 0), 0);
  // Quotes are counted before they are found (they are made on first use): the objects and their places in the array.
  const quotes = corpus.passages.length * QUOTES_PER_PASSAGE * (QUOTE_OBJECT_BYTES + 8);
  const objects = corpus.passages.length * PASSAGE_OBJECT_BYTES + corpus.articles.length * ARTICLE_OBJECT_BYTES;
  // A server with prompts only reads the shipped arrays themselves; one with shipped and own articles holds copies of their places.
  const withShipped = library.corpus !== shipped.corpus && library.corpus !== corpus;
  const corpusArrays = library.corpus === shipped.corpus ? 0 : 8 * (library.corpus.passages.length + library.corpus.articles.length) + 40 * library.corpus.byId.size;
  const joinedArrays = 8 * library.prompts.prompts.length + corpusArrays + (withShipped ? 8 * shipped.quotes.length : 0);
  return tables + stringBytes(terms.text) + stringBytes(words.text) + typos + scratch + texts + objects + quotes + joinedArrays;
}

/** Per letter triple of a word: its word and place in the typo lists (5 bytes), and its share of the triple map (measured). */
const TYPO_BYTES_PER_TRIPLE = 9;
/** The engine's accumulators per passage (two Uint32 marks, touched, matched, costs, weights). */
const SCRATCH_BYTES_PER_PASSAGE = 18;
/** A passage object with its reference string. */
const PASSAGE_OBJECT_BYTES = 96;
const QUOTE_OBJECT_BYTES = 32;
/** Quotes a paragraph gives: 3.5 in generated prose, 2.1 in the shipped articles. */
const QUOTES_PER_PASSAGE = 3.5;
const ARTICLE_OBJECT_BYTES = 400;
