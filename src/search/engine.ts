import type { Corpus } from '../library/corpus.js';
import { Postings } from './postings.js';
import { SortedStrings } from './strings.js';
import { TopK } from './top.js';
import { Spellings, type FormTerms } from './spellings.js';
import { TypoIndex } from './typos.js';
import { foldWord, memoised, normaliseTerm, termOfFolded, tokenize, withoutQuestionWords } from './terms.js';

/**
 * Full-text search over passages, in a handful of typed arrays (no per-term or
 * per-word objects, so 50,000 passages cost a few megabytes and load as raw bytes):
 *
 * - terms (normalised: folded, stop words dropped, Porter stem) and surface words
 *   (folded only), each a sorted `SortedStrings` table; a word knows its term and how
 *   often it occurs. The word table answers the word being typed (a prefix range) and,
 *   through `TypoIndex`, close spellings.
 * - `Postings`: per term, its passages in order with a one-byte BM25 weight.
 *
 * A query is read without its question words ("what", "does", "think": see
 * `withoutQuestionWords`) and common words. Each distinct word left becomes a group of
 * alternatives: the word's own term (cost 0), the other forms of its spelling groups
 * (cost 0.5; a form of several words matches a passage holding all of them), for the
 * last word (the one being typed, unless it is a common word) the most frequent words
 * it starts (cost 0.5), and close spellings (cost = edit distance; words of 4+ letters).
 * A passage takes, in each group, its cheapest alternative (the heaviest of equally
 * cheap ones). Ranking, exactly: most groups matched (so passages where several query
 * words meet come before any that repeats one of them), then lowest total cost, then
 * highest total weight, then corpus order.
 *
 * A text of more than `MAX_GROUPS` distinct words (a pasted message, as Find in
 * articles sends) is reduced to its `MAX_GROUPS` rarest words, taken as written: rare
 * words are what identify a passage, and this bounds the work.
 */
export interface SearchOptions {
  articleId?: string;
  limit?: number;
  /** Other forms a query word also finds: the corpus's list and the server's own. */
  spellings?: Spellings;
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
  /** Typo tolerance: the allowed edit distance is round(length × fuzzy), at most 2, for words of 4+ letters; 0 turns it off. */
  fuzzy: number;
  /** Complete the last query word (the one being typed) to the most frequent words it starts. */
  prefix: boolean;
  /** How many typo alternatives one word may expand to. */
  maxTypoAlternatives: number;
  /** How many completions the last word may expand to. */
  maxPrefixAlternatives: number;
}

export const DEFAULT_SEARCH_CONFIG: SearchConfig = Object.freeze({
  fuzzy: 0.2,
  prefix: true,
  maxTypoAlternatives: 3,
  maxPrefixAlternatives: 4,
});

/** Bump when the index layout or the normalisation changes: saved indexes of another version are rebuilt. */
export const SEARCH_FORMAT_VERSION = 4;

/** The longest query we read; the rest of a pasted essay adds cost, not meaning. */
const MAX_QUERY_CHARS = 500;
/** Query words searched at most; a longer text keeps its rarest. */
const MAX_GROUPS = 8;
const MAX_LIMIT = 1000;
/** Costs are counted in halves: an exact word 0, another spelling or a completion of the word being typed 1 (0.5), a typo 2 per edit. */
const PREFIX_COST2 = 1;
const SPELLING_COST2 = 1;
/** The shortest word looked up with typos: `Putn` (one edit) finds Putin. */
const MIN_TYPO_LENGTH = 4;
/** Expanded query words remembered: autocomplete sends the same first words with every letter typed. */
const EXPANSION_MEMO = 2000;
/** Ranking keys pack (groups matched, cost, weight, passage) into one float: passages per index at most 2^24. */
const DOC_SPAN = 2 ** 24;
const WEIGHT_SPAN = 4096;
const COST_SPAN = 64;

interface Alternative {
  term: number;
  /** Cost in halves. */
  cost2: number;
  /** For a spelling of several words: the terms a passage must hold besides `term` (its rarest). */
  together?: readonly number[];
}

interface Group {
  alternatives: Alternative[];
  /** Passages holding any alternative (with repeats): the group's share of the work. */
  weight: number;
}

interface DocRange {
  first: number;
  end: number;
}

/** Everything a saved index holds, in strings and typed arrays (see `cache.ts`). */
export interface SearchSnapshot {
  version: number;
  config: SearchConfig;
  docCount: number;
  terms: { text: string; starts: Uint32Array };
  words: { text: string; starts: Uint32Array; terms: Uint32Array; counts: Uint32Array };
  postings: { starts: Uint32Array; docs: Uint32Array; weights: Uint8Array };
}

export type SearchCorpus = Pick<Corpus, 'passages'>;

function rankKey(matched: number, cost2: number, weight: number, doc: number): number {
  return ((matched * COST_SPAN + (COST_SPAN - 1 - cost2)) * WEIGHT_SPAN + weight) * DOC_SPAN + (DOC_SPAN - 1 - doc);
}

/** Per-passage accumulators of a search with several words, reused from one search to the next. */
class Scratch {
  /** `queryMark[doc] === stamp` when the passage was reached by the running search. */
  readonly queryMark: Uint32Array;
  /** `groupMark[doc] === stamp` when the running group reached it. */
  readonly groupMark: Uint32Array;
  readonly matched: Uint8Array;
  readonly cost2: Uint8Array;
  readonly weight: Uint16Array;
  /** Cost and weight of the running group's alternative taken for the passage. */
  readonly groupCost2: Uint8Array;
  readonly groupWeight: Uint8Array;
  readonly touched: Uint32Array;
  private stamp = 0;

  constructor(docCount: number) {
    this.queryMark = new Uint32Array(docCount);
    this.groupMark = new Uint32Array(docCount);
    this.matched = new Uint8Array(docCount);
    this.cost2 = new Uint8Array(docCount);
    this.weight = new Uint16Array(docCount);
    this.groupCost2 = new Uint8Array(docCount);
    this.groupWeight = new Uint8Array(docCount);
    this.touched = new Uint32Array(docCount);
  }

  nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.queryMark.fill(0);
      this.groupMark.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

export class PassageSearch implements SearchIndex {
  readonly normalise = memoised(normaliseTerm);
  private readonly articles = new Map<string, DocRange>();
  private readonly expansions = new Map<string, Alternative[]>();
  private readonly scratch: Scratch;
  private readonly typos: TypoIndex;

  private constructor(
    private readonly corpus: SearchCorpus,
    readonly config: SearchConfig,
    private readonly terms: SortedStrings,
    private readonly words: SortedStrings,
    private readonly wordTerms: Uint32Array,
    private readonly wordCounts: Uint32Array,
    private readonly postings: Postings,
  ) {
    this.typos = new TypoIndex(words);
    this.scratch = new Scratch(corpus.passages.length);
    corpus.passages.forEach((passage, doc) => {
      const range = this.articles.get(passage.articleId);
      if (range) range.end = doc + 1;
      else this.articles.set(passage.articleId, { first: doc, end: doc + 1 });
    });
  }

  get size(): number {
    return this.corpus.passages.length;
  }

  static build(corpus: SearchCorpus, config: SearchConfig = DEFAULT_SEARCH_CONFIG): PassageSearch {
    if (corpus.passages.length >= DOC_SPAN) throw new Error(`a search index holds at most ${DOC_SPAN} passages`);
    // Everything here but the final tables is garbage once built: nothing below keeps a reference.
    const tokenWord = new Map<string, number>();
    const wordIds = new Map<string, number>();
    const wordNames: string[] = [];
    const wordTermIds: number[] = [];
    const wordCounts: number[] = [];
    const termIds = new Map<string, number>();
    const termNames: string[] = [];
    const docStarts = new Uint32Array(corpus.passages.length + 1);
    const docTerms: number[] = [];
    const docCounts: number[] = [];
    // Where the running passage's entry for a term is: `termSlot[term]` if `termDoc[term]` is this passage.
    const termDoc: number[] = [];
    const termSlot: number[] = [];

    corpus.passages.forEach((passage, doc) => {
      docStarts[doc] = docTerms.length;
      for (const token of tokenize(passage.text)) {
        let word = tokenWord.get(token);
        if (word === undefined) {
          const folded = foldWord(token);
          word = wordIds.get(folded);
          if (word === undefined) {
            const name = termOfFolded(folded);
            let term = -1;
            if (name !== null) {
              term = termIds.get(name) ?? -1;
              if (term < 0) {
                term = termNames.length;
                termIds.set(name, term);
                termNames.push(name);
                termDoc.push(-1);
                termSlot.push(0);
              }
            }
            word = wordNames.length;
            wordIds.set(folded, word);
            wordNames.push(folded);
            wordTermIds.push(term);
            wordCounts.push(0);
          }
          tokenWord.set(token, word);
        }
        const term = wordTermIds[word]!;
        if (term < 0) continue;
        wordCounts[word]!++;
        if (termDoc[term] === doc) {
          docCounts[termSlot[term]!] = Math.min(0xffff, docCounts[termSlot[term]!]! + 1);
        } else {
          termDoc[term] = doc;
          termSlot[term] = docTerms.length;
          docTerms.push(term);
          docCounts.push(1);
        }
      }
    });
    docStarts[corpus.passages.length] = docTerms.length;

    // Term ids become positions in the sorted term table.
    const termOrder = termNames.map((_, id) => id).sort((a, b) => (termNames[a]! < termNames[b]! ? -1 : 1));
    const termRank = new Uint32Array(termNames.length);
    termOrder.forEach((id, rank) => (termRank[id] = rank));
    const sortedTerms = SortedStrings.from(termOrder.map((id) => termNames[id]!));
    const postings = Postings.build(
      termNames.length,
      docStarts,
      Uint32Array.from(docTerms, (term) => termRank[term]!),
      Uint16Array.from(docCounts),
    );

    // Stop words are no use to typos or completions: the word table holds words with a term.
    const wordOrder = wordNames
      .map((_, id) => id)
      .filter((id) => wordTermIds[id]! >= 0 && wordCounts[id]! > 0)
      .sort((a, b) => (wordNames[a]! < wordNames[b]! ? -1 : 1));
    return new PassageSearch(
      corpus,
      config,
      sortedTerms,
      SortedStrings.from(wordOrder.map((id) => wordNames[id]!)),
      Uint32Array.from(wordOrder, (id) => termRank[wordTermIds[id]!]!),
      Uint32Array.from(wordOrder, (id) => wordCounts[id]!),
      postings,
    );
  }

  /** Restores a snapshot taken by `snapshot()` for the same corpus; throws if it does not fit. */
  static restore(corpus: SearchCorpus, saved: SearchSnapshot, config: SearchConfig = DEFAULT_SEARCH_CONFIG): PassageSearch {
    if (saved.version !== SEARCH_FORMAT_VERSION) throw new Error(`search index format ${saved.version}, expected ${SEARCH_FORMAT_VERSION}`);
    if (saved.docCount !== corpus.passages.length) throw new Error('search index was built for another corpus');
    if (JSON.stringify(saved.config) !== JSON.stringify(config)) throw new Error('search index was built with another configuration');
    const { terms, words, postings } = saved;
    const termCount = terms.starts.length - 1;
    const wordCount = words.starts.length - 1;
    const fits =
      termCount >= 0 &&
      terms.starts[termCount] === terms.text.length &&
      wordCount >= 0 &&
      words.starts[wordCount] === words.text.length &&
      words.terms.length === wordCount &&
      words.counts.length === wordCount &&
      words.terms.every((term) => term < termCount) &&
      postings.starts.length === termCount + 1 &&
      postings.starts[termCount] === postings.docs.length &&
      postings.weights.length === postings.docs.length &&
      postings.docs.every((doc) => doc < saved.docCount);
    if (!fits) throw new Error('search index tables do not fit together');
    return new PassageSearch(
      corpus,
      config,
      new SortedStrings(terms.text, terms.starts),
      new SortedStrings(words.text, words.starts),
      words.terms,
      words.counts,
      new Postings(postings.starts, postings.docs, postings.weights),
    );
  }

  snapshot(): SearchSnapshot {
    return {
      version: SEARCH_FORMAT_VERSION,
      config: this.config,
      docCount: this.size,
      terms: { text: this.terms.text, starts: this.terms.starts },
      words: { text: this.words.text, starts: this.words.starts, terms: this.wordTerms, counts: this.wordCounts },
      postings: { starts: this.postings.starts, docs: this.postings.docs, weights: this.postings.weights },
    };
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(options.limit ?? 25) || 25));
    let range: DocRange | undefined;
    if (options.articleId !== undefined) {
      range = this.articles.get(options.articleId);
      if (!range) return [];
    }
    const groups = this.groups(typeof query === 'string' ? query : '', options.spellings ?? Spellings.none);
    if (groups.length === 0) return [];
    const ranked = groups.length === 1 ? this.rankOne(groups[0]!, limit, range) : this.rankMany(groups, limit, range);
    return ranked.map(({ doc, key }) => this.hit(doc, key, groups));
  }

  /** One group of alternatives per distinct query word that has any; a long text keeps its rarest words. */
  private groups(query: string, spellings: Spellings): Group[] {
    const words = withoutQuestionWords(tokenize(query.slice(0, MAX_QUERY_CHARS)).map(foldWord).filter((word) => word.length > 0));
    // Common words have no term: they are not searched, completed or corrected (`the` never finds "themselves").
    const meaningful = words.filter((word) => termOfFolded(word) !== null);
    const distinct = new Set(meaningful);
    if (distinct.size > MAX_GROUPS) {
      const terms = new Set<number>();
      for (const word of distinct) {
        const term = this.terms.find(termOfFolded(word)!);
        if (term >= 0) terms.add(term);
      }
      return [...terms]
        .sort((a, b) => this.postings.count(a) - this.postings.count(b) || a - b)
        .slice(0, MAX_GROUPS)
        .map((term) => ({ alternatives: [{ term, cost2: 0 }], weight: this.postings.count(term) }));
    }
    // Spellings are matched on the words in order (a form may be a phrase), then gathered per distinct word.
    const othersAt = spellings.othersOf(meaningful.map((word) => termOfFolded(word)!));
    const forms = new Map<string, FormTerms[]>();
    meaningful.forEach((word, at) => forms.set(word, [...(forms.get(word) ?? []), ...othersAt[at]!]));
    const typed = words.at(-1);
    const groups: Group[] = [];
    const seen = new Set<string>();
    for (const [word, others] of forms) {
      const alternatives = this.withSpellings(this.alternatives(word, word === typed), others);
      if (alternatives.length === 0) continue;
      // Two query words with the same alternatives (`Nazarbayev Nazarbaev`) are one word twice.
      const key = alternatives.map(alternativeKey).sort().join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      let weight = 0;
      for (const alternative of alternatives) weight += this.postings.count(alternative.term);
      groups.push({ alternatives, weight });
    }
    return groups;
  }

  /** A word's alternatives with its other spellings added at `SPELLING_COST2`; cheapest first. */
  private withSpellings(alternatives: Alternative[], forms: FormTerms[]): Alternative[] {
    if (forms.length === 0) return alternatives;
    const found = new Map(alternatives.map((alternative) => [alternativeKey(alternative), alternative]));
    for (const form of forms) {
      const terms = [...new Set(form.map((name) => this.terms.find(name)))];
      if (terms.some((term) => term < 0)) continue;
      // The rarest term leads: its postings are the fewest to check for the others.
      const [term, ...together] = terms.sort((a, b) => this.postings.count(a) - this.postings.count(b) || a - b);
      const alternative: Alternative = together.length > 0 ? { term: term!, cost2: SPELLING_COST2, together } : { term: term!, cost2: SPELLING_COST2 };
      const key = alternativeKey(alternative);
      if ((found.get(key)?.cost2 ?? Infinity) > SPELLING_COST2) found.set(key, alternative);
    }
    return this.cheapestFirst([...found.values()]);
  }

  private cheapestFirst(alternatives: Alternative[]): Alternative[] {
    return alternatives.sort(
      (a, b) =>
        a.cost2 - b.cost2 ||
        this.postings.count(b.term) - this.postings.count(a.term) ||
        a.term - b.term ||
        (a.together?.length ?? 0) - (b.together?.length ?? 0),
    );
  }

  /** Whether the passage holds every one of `terms`. */
  private holdsAll(terms: readonly number[], doc: number): boolean {
    return terms.every((term) => this.postings.find(term, doc) >= 0);
  }

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

  /** The word itself (never a common word: `groups` leaves those out), completions if it is being typed, and close spellings; cheapest first. */
  private expand(folded: string, last: boolean): Alternative[] {
    const found = new Map<number, number>();
    const add = (term: number, cost2: number) => {
      const known = found.get(term);
      if (known === undefined || cost2 < known) found.set(term, cost2);
    };
    const own = this.terms.find(termOfFolded(folded)!);
    if (own >= 0) add(own, 0);

    if (last && this.config.prefix && this.config.maxPrefixAlternatives > 0) {
      for (const word of this.completions(folded)) add(this.wordTerms[word]!, PREFIX_COST2);
    }

    const distance = /\d/.test(folded) ? 0 : Math.min(2, Math.round(folded.length * this.config.fuzzy));
    if (distance > 0 && folded.length >= MIN_TYPO_LENGTH && this.config.maxTypoAlternatives > 0) {
      const close: Array<{ term: number; edits: number; count: number }> = [];
      this.typos.near(folded, distance, (word, edits) => {
        close.push({ term: this.wordTerms[word]!, edits, count: this.wordCounts[word]! });
      });
      close.sort((a, b) => a.edits - b.edits || b.count - a.count || a.term - b.term);
      let taken = 0;
      for (const candidate of close) {
        if (taken >= this.config.maxTypoAlternatives) break;
        if (found.has(candidate.term)) continue;
        add(candidate.term, 2 * candidate.edits);
        taken++;
      }
    }
    return this.cheapestFirst([...found].map(([term, cost2]) => ({ term, cost2 })));
  }

  /** The most frequent words starting with `prefix`, other than the prefix itself (ties alphabetical). */
  private completions(prefix: string): number[] {
    const keep = this.config.maxPrefixAlternatives;
    const { first, end } = this.words.prefixRange(prefix);
    const top: number[] = [];
    const counts = this.wordCounts;
    for (let word = first; word < end; word++) {
      const count = counts[word]!;
      if (top.length >= keep && counts[top[keep - 1]!]! >= count) continue;
      if (this.words.starts[word + 1]! - this.words.starts[word]! === prefix.length) continue;
      let at = top.length;
      while (at > 0 && counts[top[at - 1]!]! < count) at--;
      top.splice(at, 0, word);
      if (top.length > keep) top.pop();
    }
    return top;
  }

  /**
   * One word: its alternatives level by level, cheapest first, each alternative's
   * heaviest passages found by a scan of its weight bytes; a level only runs if the
   * cheaper ones left room.
   */
  private rankOne(group: Group, limit: number, range?: DocRange): Array<{ doc: number; key: number }> {
    const top = new TopK(limit);
    const scratch = this.scratch;
    const stamp = scratch.nextStamp();
    const { docs, weights } = this.postings;
    const alternatives = group.alternatives;
    let taken = 0;
    for (let at = 0; at < alternatives.length && !top.full; ) {
      const cost2 = alternatives[at]!.cost2;
      // A passage reached by two alternatives of one level counts its heavier one.
      const level = new Map<number, number>();
      for (; at < alternatives.length && alternatives[at]!.cost2 === cost2; at++) {
        const { term, together } = alternatives[at]!;
        const { first, end } = this.postings.slice(term, range);
        // A phrase holds fewer passages than its rarest word: no weight threshold, every one is checked.
        const least = together ? 1 : this.postings.threshold(first, end, limit + taken);
        for (let i = first; i < end; i++) {
          const weight = weights[i]!;
          if (weight < least) continue;
          const doc = docs[i]!;
          if (scratch.queryMark[doc] === stamp) continue;
          if (together && !this.holdsAll(together, doc)) continue;
          const key = rankKey(1, cost2, weight, doc);
          if ((level.get(doc) ?? 0) < key) level.set(doc, key);
        }
      }
      for (const [doc, key] of level) {
        scratch.queryMark[doc] = stamp;
        top.offer(key, doc);
        taken++;
      }
    }
    return top.sorted();
  }

  /** Several words: every alternative's passages accumulated per passage, then the best `limit` kept. */
  private rankMany(groups: Group[], limit: number, range?: DocRange): Array<{ doc: number; key: number }> {
    const scratch = this.scratch;
    const { queryMark, groupMark, matched, cost2: costs, weight: weights, groupCost2, groupWeight, touched } = scratch;
    const { docs, weights: postingWeights } = this.postings;
    const query = scratch.nextStamp();
    let reached = 0;
    for (const group of groups) {
      const stamp = scratch.nextStamp();
      for (const { term, cost2, together } of group.alternatives) {
        const { first, end } = this.postings.slice(term, range);
        for (let i = first; i < end; i++) {
          const doc = docs[i]!;
          if (together && !this.holdsAll(together, doc)) continue;
          const weight = postingWeights[i]!;
          if (queryMark[doc] !== query) {
            queryMark[doc] = query;
            matched[doc] = 0;
            costs[doc] = 0;
            weights[doc] = 0;
            touched[reached++] = doc;
          }
          if (groupMark[doc] !== stamp) {
            groupMark[doc] = stamp;
            matched[doc]!++;
            costs[doc]! += cost2;
            weights[doc]! += weight;
            groupCost2[doc] = cost2;
            groupWeight[doc] = weight;
          } else if (groupCost2[doc] === cost2 && weight > groupWeight[doc]!) {
            weights[doc]! += weight - groupWeight[doc]!;
            groupWeight[doc] = weight;
          }
        }
      }
    }
    const top = new TopK(limit);
    for (let i = 0; i < reached; i++) {
      const doc = touched[i]!;
      top.offer(rankKey(matched[doc]!, costs[doc]!, weights[doc]!, doc), doc);
    }
    return top.sorted();
  }

  private hit(doc: number, key: number, groups: Group[]): SearchHit {
    const passage = this.corpus.passages[doc]!;
    const head = Math.floor(key / DOC_SPAN / WEIGHT_SPAN);
    const matched = Math.floor(head / COST_SPAN);
    const cost2 = COST_SPAN - 1 - (head % COST_SPAN);
    const terms = new Set<string>();
    for (const group of groups) {
      for (const { term, together = [] } of group.alternatives) {
        if (this.postings.find(term, doc) < 0 || !this.holdsAll(together, doc)) continue;
        for (const found of [term, ...together]) terms.add(this.terms.at(found));
      }
    }
    return {
      ref: passage.ref,
      articleId: passage.articleId,
      paragraph: passage.paragraph,
      score: matched + 0.5 / (1 + cost2 / 2),
      terms: [...terms],
    };
  }
}

/** Identifies an alternative within a group: its term, and the others a spelling of several words needs. */
function alternativeKey({ term, together }: Alternative): string {
  return together ? `${term}+${together.join('+')}` : String(term);
}

export function buildSearchIndex(corpus: SearchCorpus, config: SearchConfig = DEFAULT_SEARCH_CONFIG): SearchIndex {
  return PassageSearch.build(corpus, config);
}
