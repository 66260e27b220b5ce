import MiniSearch, { type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import { eng as englishStopWords } from 'stopword';
import type { Corpus, Passage } from './corpus.js';

/**
 * Full-text search over passages, behind one small module so the benchmark can
 * compare configurations. MiniSearch ranks (BM25); we only choose per query term
 * whether it needs fuzzy or prefix matching, which keeps common queries fast.
 */
export interface SearchOptions {
  articleId?: string;
  limit?: number;
}

export interface SearchHit {
  ref: string;
  articleId: string;
  paragraph: number;
  score: number;
  /** Normalised forms of the words that matched, for highlighting. */
  terms: string[];
}

export interface SearchIndex {
  search(query: string, options?: SearchOptions): SearchHit[];
  /** The same terms as the index uses, for highlighting matched words in a snippet. */
  normalise(word: string): string | null;
  toJSON(): SerializedIndex;
}

export interface SerializedIndex {
  version: number;
  index: unknown;
  vocabulary: string[];
}

export interface SearchConfig {
  fuzzy: number;
  prefix: boolean;
}

const STOP_WORDS = new Set(englishStopWords);
/** The longest query we read; the rest of a pasted essay adds cost, not meaning. */
const MAX_QUERY_CHARS = 500;
const MAX_QUERY_TERMS = 24;
const FORMAT_VERSION = 1;
export const DEFAULT_SEARCH_CONFIG: SearchConfig = { fuzzy: 0.2, prefix: true };

/** Lower case, accents folded, stop words dropped, then the Porter stem: `Protesters` → `protest`. */
export function normaliseTerm(word: string): string | null {
  const folded = word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^['’]+|['’]+$/g, '')
    .replace(/['’]s$/, '');
  if (folded.length === 0 || STOP_WORDS.has(folded)) return null;
  return /^[a-z]+$/.test(folded) ? stemmer(folded) : folded;
}

const TOKEN = /[\p{L}\p{N}'’]+/gu;
function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

interface IndexedPassage {
  id: string;
  articleId: string;
  paragraph: number;
  text: string;
}

const miniSearchOptions = {
  idField: 'id',
  fields: ['text'],
  storeFields: ['articleId', 'paragraph'],
  tokenize,
  processTerm: normaliseTerm,
};

export function buildSearchIndex(corpus: Pick<Corpus, 'passages'>, config: SearchConfig = DEFAULT_SEARCH_CONFIG): SearchIndex {
  const engine = new MiniSearch<IndexedPassage>(miniSearchOptions);
  const vocabulary = new Set<string>();
  const documents = corpus.passages.map((passage: Passage) => {
    for (const word of tokenize(passage.text)) {
      const term = normaliseTerm(word);
      if (term) vocabulary.add(term);
    }
    return { id: passage.ref, articleId: passage.articleId, paragraph: passage.paragraph, text: passage.text };
  });
  engine.addAll(documents);
  return wrap(engine, vocabulary, config);
}

/** Restores an index saved with `toJSON`, or undefined if it was saved by another version. */
export function loadSearchIndex(saved: SerializedIndex, config: SearchConfig = DEFAULT_SEARCH_CONFIG): SearchIndex | undefined {
  if (saved.version !== FORMAT_VERSION) return undefined;
  const engine = MiniSearch.loadJSON<IndexedPassage>(JSON.stringify(saved.index), miniSearchOptions);
  return wrap(engine, new Set(saved.vocabulary), config);
}

function wrap(engine: MiniSearch<IndexedPassage>, vocabulary: Set<string>, config: SearchConfig): SearchIndex {
  return {
    search(query, options = {}) {
      const words = tokenize(query.slice(0, MAX_QUERY_CHARS)).slice(0, MAX_QUERY_TERMS);
      if (words.length === 0) return [];
      const results = engine.search(words.join(' '), {
        // Known words match exactly (and by stem); only unknown ones pay for typo tolerance.
        fuzzy: (term) => (config.fuzzy > 0 && !vocabulary.has(term) && term.length > 3 ? config.fuzzy : false),
        maxFuzzy: 2,
        // Prefix only on the last word: it is the one still being typed.
        prefix: (term, index, terms) => config.prefix && index === terms.length - 1 && term.length >= 3,
        combineWith: 'OR',
        filter: options.articleId ? (result) => result.articleId === options.articleId : undefined,
      });
      return results.slice(0, options.limit ?? 25).map(toHit);
    },
    normalise: normaliseTerm,
    toJSON: () => ({ version: FORMAT_VERSION, index: engine.toJSON(), vocabulary: [...vocabulary] }),
  };
}

function toHit(result: SearchResult): SearchHit {
  return {
    ref: String(result.id),
    articleId: String(result.articleId),
    paragraph: Number(result.paragraph),
    score: result.score,
    terms: result.terms,
  };
}
