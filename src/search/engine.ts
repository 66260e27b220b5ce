import { Index as FlexIndex } from 'flexsearch';
import SearchableMap from 'minisearch/SearchableMap';
import type { Corpus } from '../library/corpus.js';
import { clipToRange, type DocRange, popcount, TermDocs } from './membership.js';
import { foldWord, memoised, normaliseTerm, termOfFolded, tokenize } from './terms.js';

export { TermDocs } from './membership.js';

/**
 * Full-text search over passages, behind one small interface so the benchmark can
 * compare configurations.
 *
 * - FlexSearch (strict tokenizer) holds, for every normalised term, its passages in
 *   ranked order: its `score` hook puts each (term, passage) pair in a bucket by its
 *   BM25 weight (term frequency against passage length), so a term's best passages
 *   come first and a single-term lookup costs a slice, however common the term.
 * - MiniSearch's `SearchableMap` (a radix tree) holds the vocabulary of surface words
 *   for typo tolerance (`fuzzyGet`) and for completing the word being typed
 *   (`atPrefix`); each query word expands to a few best alternatives.
 * - A compact membership table (which passages hold a term: a bitset for common
 *   terms, a sorted id list for the rest) answers "does passage p contain term t" in
 *   constant time, so a query with several words walks only the ranked passages of
 *   its rarest word instead of intersecting long lists.
 *
 * Ranking: passages holding every query word (or an alternative of it) first, cheaper
 * alternatives first (exact word, then a completion of the word being typed, then
 * typos by edit distance), then FlexSearch's order for the rarest word; passages with
 * only some of the words follow, most words first.
 */
export interface SearchOptions {
  articleId?: string;
  limit?: number;
}

export interface SearchHit {
  ref: string;
  articleId: string;
  paragraph: number;
  /** Higher is better: the number of query words matched, plus up to 0.5 for exactness. */
  score: number;
  /** Normalised forms of the words that matched, for highlighting. */
  terms: string[];
}

export interface SearchIndex {
  search(query: string, options?: SearchOptions): SearchHit[];
  /** The same terms as the index uses, for highlighting matched words in a snippet. */
  normalise(word: string): string | null;
}

export interface SearchConfig {
  /** Typo tolerance: the allowed edit distance is round(length × fuzzy), at most 2, for words of 5+ letters; 0 turns it off. */
  fuzzy: number;
  /** Complete the last query word (the one being typed) to the most frequent words it starts. */
  prefix: boolean;
  /** How many typo alternatives one word may expand to. */
  maxTypoAlternatives: number;
  /** How many completions the last word may expand to. */
  maxPrefixAlternatives: number;
  /** FlexSearch score buckets per term. */
  resolution: number;
}

export const DEFAULT_SEARCH_CONFIG: SearchConfig = Object.freeze({
  fuzzy: 0.2,
  prefix: true,
  maxTypoAlternatives: 3,
  maxPrefixAlternatives: 4,
  resolution: 12,
});

/** Bump when the index layout or the normalisation changes: saved indexes of another version are rebuilt. */
export const SEARCH_FORMAT_VERSION = 2;

/** The longest query we read; the rest of a pasted essay adds cost, not meaning. */
const MAX_QUERY_CHARS = 500;
const MAX_QUERY_TERMS = 24;
const MAX_LIMIT = 1000;
/** Cost of a completion of the word being typed (an exact word costs 0, a typo its edit distance). */
const PREFIX_COST = 0.5;
/** Passages scanned per word, when looking for passages with only some of the words. */
const PARTIAL_SCAN = 400;
/** Expanded query words remembered. */
const EXPANSION_MEMO = 2000;
/** BM25 constants for the score buckets. */
const K1 = 1.2;
const B = 0.75;

interface WordEntry {
  /** The term the index holds for this surface word. */
  term: number;
  /** How often the word occurs in the corpus. */
  count: number;
}

interface Alternative {
  term: number;
  cost: number;
}

interface Group {
  alternatives: Alternative[];
  /** Sum of the alternatives' passage counts: the group with the smallest drives the walk. */
  weight: number;
  minCost: number;
}

interface Candidate {
  doc: number;
  matched: number;
  cost: number;
  order: number;
}

/** Everything a saved index holds, in plain arrays (see `search-cache.ts`). */
export interface SearchSnapshot {
  version: number;
  config: SearchConfig;
  docCount: number;
  /** Term strings by term id. */
  terms: string[];
  /** Passage count per term id. */
  df: Uint32Array;
  /** Surface words: folded word, term id, occurrences. */
  words: Array<[string, number, number]>;
  membership: { offsets: Uint32Array; data: Uint32Array };
  /** FlexSearch's own export: key and data of each chunk. */
  flex: Array<[string, string]>;
}

export type SearchCorpus = Pick<Corpus, 'passages'>;

function flexOptions(resolution: number, score?: (content: string[], term: string) => number) {
  return {
    tokenize: 'strict' as const,
    resolution,
    // Passages are handed over already normalised, one term per space.
    encode: (text: string) => text.split(' '),
    ...(score ? { score } : {}),
  };
}

export class PassageSearch implements SearchIndex {
  readonly normalise = memoised(normaliseTerm);
  private readonly termIds = new Map<string, number>();
  private readonly articles = new Map<string, DocRange>();
  private readonly topCompletions = new Map<string, string[]>();
  /** Passages already taken by the running search: `seen[doc] === stamp`. */
  private readonly seen: Uint32Array;
  private stamp = 0;
  /** Expanded query words, oldest first. */
  private readonly expansions = new Map<string, Alternative[]>();

  private constructor(
    private readonly corpus: SearchCorpus,
    readonly config: SearchConfig,
    private readonly terms: string[],
    private readonly df: Uint32Array,
    private readonly words: SearchableMap<WordEntry>,
    private readonly members: TermDocs,
    private readonly flex: FlexIndex,
  ) {
    this.seen = new Uint32Array(corpus.passages.length);
    terms.forEach((term, id) => this.termIds.set(term, id));
    corpus.passages.forEach((passage, doc) => {
      const range = this.articles.get(passage.articleId);
      if (range) range.end = doc + 1;
      else this.articles.set(passage.articleId, { first: doc, end: doc + 1 });
    });
    // The most frequent completions of every prefix of up to three letters, so that the
    // first letters typed do not walk a large part of the vocabulary.
    const keep = config.maxPrefixAlternatives + 1;
    for (const [word, entry] of words) {
      for (let length = 1; length <= Math.min(3, word.length); length++) {
        const prefix = word.slice(0, length);
        const top = this.topCompletions.get(prefix);
        if (!top) this.topCompletions.set(prefix, [word]);
        else insertTop(top, word, keep, (other) => words.get(other)!.count, entry.count);
      }
    }
  }

  get size(): number {
    return this.corpus.passages.length;
  }

  static build(corpus: SearchCorpus, config: SearchConfig = DEFAULT_SEARCH_CONFIG): PassageSearch {
    const memo = new Map<string, { folded: string; term: string | null }>();
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const postings: number[][] = [];
    const words = new Map<string, WordEntry>();
    const docTerms: number[][] = [];
    let totalLength = 0;

    corpus.passages.forEach((passage, doc) => {
      const ids: number[] = [];
      for (const token of tokenize(passage.text)) {
        let known = memo.get(token);
        if (!known) {
          const folded = foldWord(token);
          known = { folded, term: termOfFolded(folded) };
          memo.set(token, known);
        }
        if (!known.term) continue;
        let id = termIds.get(known.term);
        if (id === undefined) {
          id = terms.length;
          termIds.set(known.term, id);
          terms.push(known.term);
          postings.push([]);
        }
        const posting = postings[id]!;
        if (posting[posting.length - 1] !== doc) posting.push(doc);
        ids.push(id);
        const word = words.get(known.folded);
        if (word) word.count++;
        else words.set(known.folded, { term: id, count: 1 });
      }
      docTerms.push(ids);
      totalLength += ids.length;
    });

    // Term frequencies of the passage being added, read by the score hook.
    const averageLength = totalLength / Math.max(1, docTerms.length);
    let frequencies = new Map<string, number>();
    let length = 0;
    const resolution = config.resolution;
    const score = (_content: string[], term: string) => {
      const tf = frequencies.get(term) ?? 1;
      const weight = (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / averageLength)) / (K1 + 1);
      return Math.min(resolution - 1, Math.max(0, Math.floor((1 - weight) * resolution)));
    };
    const flex = new FlexIndex(flexOptions(resolution, score));
    docTerms.forEach((ids, doc) => {
      if (ids.length === 0) return;
      frequencies = new Map();
      const text: string[] = [];
      for (const id of ids) {
        const term = terms[id]!;
        text.push(term);
        frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      }
      length = ids.length;
      flex.add(doc, text.join(' '));
    });

    const df = Uint32Array.from(postings, (ids) => ids.length);
    return new PassageSearch(
      corpus,
      config,
      terms,
      df,
      SearchableMap.from(words),
      TermDocs.build(corpus.passages.length, postings),
      flex,
    );
  }

  /** Restores a snapshot taken by `snapshot()` for the same corpus; throws if it does not fit. */
  static restore(corpus: SearchCorpus, saved: SearchSnapshot, config: SearchConfig = DEFAULT_SEARCH_CONFIG): PassageSearch {
    if (saved.version !== SEARCH_FORMAT_VERSION) throw new Error(`search index format ${saved.version}, expected ${SEARCH_FORMAT_VERSION}`);
    if (saved.docCount !== corpus.passages.length) throw new Error('search index was built for another corpus');
    if (JSON.stringify(saved.config) !== JSON.stringify(config)) throw new Error('search index was built with another configuration');
    const termCount = saved.terms.length;
    const { offsets, data } = saved.membership;
    if (saved.df.length !== termCount || offsets.length !== termCount + 1 || offsets[termCount] !== data.length) {
      throw new Error('search index tables do not fit together');
    }
    const words = new SearchableMap<WordEntry>();
    for (const [word, term, count] of saved.words) {
      if (typeof word !== 'string' || !(term >= 0 && term < termCount)) throw new Error('search index vocabulary is damaged');
      words.set(word, { term, count });
    }
    const flex = new FlexIndex(flexOptions(config.resolution));
    for (const [key, chunk] of saved.flex) flex.import(key, chunk);
    return new PassageSearch(corpus, config, saved.terms, saved.df, words, new TermDocs(saved.docCount, offsets, data), flex);
  }

  snapshot(): SearchSnapshot {
    const flex: Array<[string, string]> = [];
    this.flex.export((key, data) => {
      flex.push([key, data]);
    });
    const words: Array<[string, number, number]> = [];
    for (const [word, entry] of this.words) words.push([word, entry.term, entry.count]);
    return {
      version: SEARCH_FORMAT_VERSION,
      config: this.config,
      docCount: this.corpus.passages.length,
      terms: this.terms,
      df: this.df,
      words,
      membership: { offsets: this.members.offsets, data: this.members.data },
      flex,
    };
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(options.limit ?? 25) || 25));
    let range: DocRange | undefined;
    if (options.articleId !== undefined) {
      range = this.articles.get(options.articleId);
      if (!range) return [];
    }
    const groups = this.groups(typeof query === 'string' ? query : '');
    if (groups.length === 0) return [];
    const candidates = this.rank(groups, limit, range);
    return candidates.map((candidate) => this.hit(candidate, groups));
  }

  /** One group of alternatives per query word that has any; duplicate groups merged. */
  private groups(query: string): Group[] {
    const words = tokenize(query.slice(0, MAX_QUERY_CHARS)).slice(0, MAX_QUERY_TERMS);
    const groups: Group[] = [];
    const seen = new Set<string>();
    words.forEach((word, index) => {
      const alternatives = this.alternatives(foldWord(word), index === words.length - 1);
      if (alternatives.length === 0) return;
      const key = alternatives.map((alternative) => alternative.term).join(',');
      if (seen.has(key)) return;
      seen.add(key);
      let weight = 0;
      for (const alternative of alternatives) weight += this.df[alternative.term]!;
      groups.push({ alternatives, weight, minCost: alternatives[0]!.cost });
    });
    return groups;
  }

  /** `expand` with a small memo: autocomplete sends the same first words with every letter typed. */
  private alternatives(folded: string, last: boolean): Alternative[] {
    const key = (last ? '>' : '=') + folded;
    let alternatives = this.expansions.get(key);
    if (!alternatives) {
      alternatives = this.expand(folded, last);
      if (this.expansions.size >= EXPANSION_MEMO) this.expansions.delete(this.expansions.keys().next().value!);
      this.expansions.set(key, alternatives);
    }
    return alternatives;
  }

  /** The word itself, completions if it is being typed, and close spellings; cheapest first. */
  private expand(folded: string, last: boolean): Alternative[] {
    const found = new Map<number, number>();
    const add = (term: number | undefined, cost: number) => {
      if (term === undefined) return;
      const known = found.get(term);
      if (known === undefined || cost < known) found.set(term, cost);
    };
    const term = termOfFolded(folded);
    if (term) add(this.termIds.get(term), 0);
    if (folded.length === 0) return [];

    if (last && this.config.prefix && this.config.maxPrefixAlternatives > 0) {
      for (const word of this.completions(folded)) add(this.words.get(word)!.term, word === folded ? 0 : PREFIX_COST);
    }

    // Stop words are never looked up with typos: `thw` is not worth a guess.
    const distance = /\d/.test(folded) || !term ? 0 : Math.min(2, Math.round(folded.length * this.config.fuzzy));
    if (distance > 0 && folded.length >= 5 && this.config.maxTypoAlternatives > 0) {
      const close: Array<{ term: number; distance: number; count: number }> = [];
      for (const [word, [entry, edits]] of this.words.fuzzyGet(folded, distance)) {
        if (word === folded) continue;
        close.push({ term: entry.term, distance: edits, count: entry.count });
      }
      close.sort((a, b) => a.distance - b.distance || b.count - a.count || a.term - b.term);
      let taken = 0;
      for (const candidate of close) {
        if (taken >= this.config.maxTypoAlternatives) break;
        if (found.has(candidate.term)) continue;
        add(candidate.term, candidate.distance);
        taken++;
      }
    }
    return [...found]
      .map(([term, cost]) => ({ term, cost }))
      .sort((a, b) => a.cost - b.cost || this.df[b.term]! - this.df[a.term]! || a.term - b.term);
  }

  /** The most frequent words starting with `prefix` (the prefix itself included if it is a word). */
  private completions(prefix: string): string[] {
    const keep = this.config.maxPrefixAlternatives;
    const cached = this.topCompletions.get(prefix);
    if (cached) return cached.filter((word) => word !== prefix).slice(0, keep);
    const top: string[] = [];
    for (const [word, entry] of this.words.atPrefix(prefix)) {
      if (word === prefix) continue;
      insertTop(top, word, keep, (other) => this.words.get(other)!.count, entry.count);
    }
    return top;
  }

  /** The cheapest alternative of `group` that passage `doc` contains. */
  private cheapest(group: Group, doc: number): Alternative | undefined {
    for (const alternative of group.alternatives) if (this.members.has(alternative.term, doc)) return alternative;
    return undefined;
  }

  /**
   * Calls `visit` with a term's passages in FlexSearch's ranked order, fetched in pages
   * growing fourfold from 64 (most searches stop in the first); stops when `visit`
   * returns false. Returns false if it was stopped.
   */
  private walk(term: number, visit: (doc: number) => boolean): boolean {
    const total = this.df[term]!;
    const name = this.terms[term]!;
    let offset = 0;
    let page = 64;
    while (offset < total) {
      const ids = this.flex.search(name, { limit: page, offset }) as number[];
      if (ids.length === 0) break;
      for (let i = 0; i < ids.length; i++) if (!visit(ids[i]!)) return false;
      offset += ids.length;
      page *= 4;
    }
    return true;
  }

  /** The passages holding any of the group's alternatives, as a bitset. */
  private groupBits(group: Group, range?: DocRange): Uint32Array {
    const bits = new Uint32Array(Math.ceil(this.size / 32));
    const { offsets, data } = this.members;
    for (const alternative of group.alternatives) {
      const start = offsets[alternative.term]!;
      const end = offsets[alternative.term + 1]!;
      if (end - start === bits.length && this.members.docCount > 0) {
        for (let i = 0; i < bits.length; i++) bits[i]! |= data[start + i]!;
      } else {
        for (let i = start; i < end; i++) {
          const doc = data[i]!;
          bits[doc >>> 5]! |= 1 << (doc & 31);
        }
      }
    }
    if (range) clipToRange(bits, range);
    return bits;
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private rank(groups: Group[], limit: number, range?: DocRange): Candidate[] {
    const stamp = this.nextStamp();
    const seen = this.seen;
    const inRange = range ? (doc: number) => doc >= range.first && doc < range.end : () => true;

    // Within one article of ordinary size, checking each passage beats walking the
    // words' passages over the whole corpus: best matches first, then reading order.
    if (range && range.end - range.first <= PARTIAL_SCAN) {
      const hits: Candidate[] = [];
      for (let doc = range.first; doc < range.end; doc++) {
        let matched = 0;
        let cost = 0;
        for (const group of groups) {
          const found = this.cheapest(group, doc);
          if (found) {
            matched++;
            cost += found.cost;
          }
        }
        if (matched > 0) hits.push({ doc, matched, cost, order: doc });
      }
      return hits.sort(byRank).slice(0, limit);
    }

    // One word: its alternatives' passages, cheapest alternative first.
    if (groups.length === 1) {
      const hits: Candidate[] = [];
      for (const alternative of groups[0]!.alternatives) {
        const more = this.walk(alternative.term, (doc) => {
          if (seen[doc] === stamp || !inRange(doc)) return true;
          seen[doc] = stamp;
          hits.push({ doc, matched: 1, cost: alternative.cost, order: hits.length });
          return hits.length < limit;
        });
        if (!more) break;
      }
      return hits;
    }

    // Several words: which passages hold every word (or an alternative of it), as a bitset;
    // then walk the rarest word's ranked passages and keep those.
    const sets = groups.map((group) => this.groupBits(group, range));
    const all = Uint32Array.from(sets[0]!);
    for (const set of sets.slice(1)) for (let i = 0; i < all.length; i++) all[i]! &= set[i]!;
    const fullCount = popcount(all);

    let driverIndex = 0;
    groups.forEach((group, index) => {
      if (group.weight < groups[driverIndex]!.weight) driverIndex = index;
    });
    const driver = groups[driverIndex]!;
    const others = groups.filter((_, index) => index !== driverIndex);
    const otherMinCost = others.reduce((sum, group) => sum + group.minCost, 0);

    const full: Candidate[] = [];
    let order = 0;
    if (fullCount > 0) {
      for (const alternative of driver.alternatives) {
        // Any passage still to come costs at least `bound`: stop once `limit` passages cost no more.
        const bound = alternative.cost + otherMinCost;
        let cheap = 0;
        for (const candidate of full) if (candidate.cost <= bound) cheap++;
        if (cheap >= limit || full.length >= fullCount) break;
        const more = this.walk(alternative.term, (doc) => {
          if (seen[doc] === stamp || ((all[doc >>> 5]! >>> (doc & 31)) & 1) === 0) return true;
          seen[doc] = stamp;
          let cost = alternative.cost;
          for (const group of others) cost += this.cheapest(group, doc)!.cost;
          full.push({ doc, matched: groups.length, cost, order: order++ });
          if (cost <= bound) cheap++;
          return cheap < limit && full.length < fullCount;
        });
        if (!more) break;
      }
    }
    full.sort(byRank);
    if (full.length >= limit) return full.slice(0, limit);

    // Not enough passages with every word: add those with some of them, most words first.
    const partial: Candidate[] = [];
    const consider = (doc: number) => {
      if (seen[doc] === stamp) return;
      seen[doc] = stamp;
      let matched = 0;
      let cost = 0;
      groups.forEach((group, index) => {
        if (((sets[index]![doc >>> 5]! >>> (doc & 31)) & 1) === 1) {
          matched++;
          cost += this.cheapest(group, doc)!.cost;
        }
      });
      if (matched > 0) partial.push({ doc, matched, cost, order: order++ });
    };
    for (const group of [...groups].sort((a, b) => a.weight - b.weight)) {
      let scanned = 0;
      for (const alternative of group.alternatives) {
        this.walk(alternative.term, (doc) => {
          if (inRange(doc)) consider(doc);
          return ++scanned < PARTIAL_SCAN;
        });
        if (scanned >= PARTIAL_SCAN) break;
      }
    }
    partial.sort(byRank);
    return full.concat(partial.slice(0, limit - full.length));
  }

  private hit(candidate: Candidate, groups: Group[]): SearchHit {
    const passage = this.corpus.passages[candidate.doc]!;
    const terms = new Set<string>();
    for (const group of groups) {
      for (const alternative of group.alternatives) {
        if (this.members.has(alternative.term, candidate.doc)) terms.add(this.terms[alternative.term]!);
      }
    }
    return {
      ref: passage.ref,
      articleId: passage.articleId,
      paragraph: passage.paragraph,
      score: candidate.matched + 0.5 / (1 + candidate.cost),
      terms: [...terms],
    };
  }
}

function byRank(a: Candidate, b: Candidate): number {
  return b.matched - a.matched || a.cost - b.cost || a.order - b.order;
}

/** Keeps `top` as the `keep` most frequent words, most frequent first (ties alphabetical, so the order never depends on how the vocabulary was loaded). */
function insertTop(top: string[], word: string, keep: number, countOf: (word: string) => number, count: number): void {
  const before = (other: string) => {
    const otherCount = countOf(other);
    return otherCount > count || (otherCount === count && other < word);
  };
  if (top.length >= keep && before(top[top.length - 1]!)) return;
  let at = top.length;
  while (at > 0 && !before(top[at - 1]!)) at--;
  top.splice(at, 0, word);
  if (top.length > keep) top.pop();
}

export function buildSearchIndex(corpus: SearchCorpus, config: SearchConfig = DEFAULT_SEARCH_CONFIG): SearchIndex {
  return PassageSearch.build(corpus, config);
}
