import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/generate-corpus.js';
import { searchQueries, type QuerySet } from '../../bench/search-queries.js';
import { loadCorpus, type Corpus } from '../../src/library/corpus.js';
import { loadSpellings } from '../../src/library/spellings.js';
import { loadOrBuildSearchIndex } from '../../src/search/cache.js';
import { DEFAULT_SEARCH_CONFIG, PassageSearch } from '../../src/search/engine.js';
import { Spellings, type FormTerms } from '../../src/search/spellings.js';
import { foldWord, termOfFolded, tokenize, withoutQuestionWords } from '../../src/search/terms.js';

/**
 * The engine against a brute-force scorer on a generated corpus of 3,000 distinct
 * paragraphs (large enough that terms' lists are long and the weight thresholds, the
 * typo filter and the several-word accumulation all do real work). The scorer follows
 * the engine's documented semantics with none of its machinery: it expands each query
 * word by reading the whole vocabulary, and scores every passage.
 */
const { fuzzy, maxTypoAlternatives, maxPrefixAlternatives } = DEFAULT_SEARCH_CONFIG;
const MAX_GROUPS = 8;

interface Alternative {
  /** Every term a passage must hold: one, or a spelling's several. */
  terms: string[];
  cost2: number;
}

class BruteForce {
  /** Per passage: term → count. */
  readonly docs: Array<Map<string, number>> = [];
  private readonly lengths: number[] = [];
  private readonly averageLength: number;
  /** Folded word → [term, occurrences]. */
  private readonly words = new Map<string, { term: string; count: number }>();
  private readonly df = new Map<string, number>();

  constructor(readonly corpus: Corpus) {
    for (const passage of corpus.passages) {
      const terms = new Map<string, number>();
      let length = 0;
      for (const token of tokenize(passage.text)) {
        const folded = foldWord(token);
        const term = termOfFolded(folded);
        if (term === null) continue;
        length++;
        terms.set(term, (terms.get(term) ?? 0) + 1);
        const word = this.words.get(folded) ?? { term, count: 0 };
        word.count++;
        this.words.set(folded, word);
      }
      for (const term of terms.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
      this.docs.push(terms);
      this.lengths.push(length);
    }
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / this.lengths.length;
  }

  /** BM25's term-frequency part as a byte, 1-255. */
  weight(doc: number, term: string): number {
    const tf = this.docs[doc]!.get(term)!;
    const norm = 1.2 * (0.25 + (0.75 * this.lengths[doc]!) / this.averageLength);
    return Math.max(1, Math.round(((tf * 2.2) / (tf + norm) / 2.2) * 255));
  }

  holds(doc: number, alternative: Alternative): boolean {
    return alternative.terms.every((term) => this.docs[doc]!.has(term));
  }

  /** A passage's weight for an alternative: its rarest term's (the first of equally rare in term order). */
  weightOf(doc: number, alternative: Alternative): number {
    const [rarest] = [...alternative.terms].sort((a, b) => this.df.get(a)! - this.df.get(b)! || (a < b ? -1 : 1));
    return this.weight(doc, rarest!);
  }

  expand(folded: string, last: boolean, forms: FormTerms[]): Alternative[] {
    const found = new Map<string, Alternative>();
    const add = (terms: string[], cost2: number) => {
      const key = [...new Set(terms)].sort().join('+');
      if (!found.has(key) || found.get(key)!.cost2 > cost2) found.set(key, { terms: [...new Set(terms)], cost2 });
    };
    const own = termOfFolded(folded)!;
    if (this.df.has(own)) add([own], 0);
    for (const form of forms) if (form.every((term) => this.df.has(term))) add([...form], 1);
    if (last) {
      [...this.words]
        .filter(([word]) => word.startsWith(folded) && word !== folded)
        .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : 1))
        .slice(0, maxPrefixAlternatives)
        .forEach(([, { term }]) => add([term], 1));
    }
    const edits = /\d/.test(folded) ? 0 : Math.min(2, Math.round(folded.length * fuzzy));
    if (edits > 0 && folded.length >= 4) {
      const close = [...this.words]
        .map(([word, { term, count }]) => ({ term, count, edits: distance(word, folded) }))
        .filter((word) => word.edits > 0 && word.edits <= edits)
        .sort((a, b) => a.edits - b.edits || b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
      let taken = 0;
      for (const word of close) {
        if (taken >= maxTypoAlternatives) break;
        if (found.has(word.term)) continue;
        add([word.term], 2 * word.edits);
        taken++;
      }
    }
    return [...found.values()];
  }

  /** Question words out unless they are all; common words out; a word's spellings gathered over its places in the query. */
  groups(query: string, spellings: Spellings): Alternative[][] {
    const words = withoutQuestionWords(tokenize(query.slice(0, 500)).map(foldWord).filter((word) => word.length > 0));
    const meaningful = words.filter((word) => termOfFolded(word) !== null);
    if (new Set(meaningful).size > MAX_GROUPS) {
      const terms = [...new Set(meaningful.map((word) => termOfFolded(word)!))].filter((term) => this.df.has(term));
      return terms
        .sort((a, b) => this.df.get(a)! - this.df.get(b)! || (a < b ? -1 : 1))
        .slice(0, MAX_GROUPS)
        .map((term) => [{ terms: [term], cost2: 0 }]);
    }
    const others = spellings.othersOf(meaningful.map((word) => termOfFolded(word)!));
    const groups = new Map<string, Alternative[]>();
    for (const word of new Set(meaningful)) {
      const forms = meaningful.flatMap((other, at) => (other === word ? others[at]! : []));
      const alternatives = this.expand(word, word === words.at(-1), forms);
      // The same alternatives from two query words make one group.
      const key = alternatives
        .map((alternative) => [...alternative.terms].sort().join('+'))
        .sort()
        .join(',');
      if (alternatives.length > 0 && !groups.has(key)) groups.set(key, alternatives);
    }
    return [...groups.values()];
  }

  /** Every passage scored: groups matched desc, cost asc, weight desc, corpus order. */
  search(query: string, limit: number, articleId?: string, spellings = Spellings.none): string[] {
    const groups = this.groups(query, spellings);
    const scored: Array<{ doc: number; matched: number; cost: number; weight: number }> = [];
    this.corpus.passages.forEach((passage, doc) => {
      if (articleId !== undefined && passage.articleId !== articleId) return;
      let matched = 0;
      let cost = 0;
      let weight = 0;
      for (const group of groups) {
        const present = group.filter((alternative) => this.holds(doc, alternative));
        if (present.length === 0) continue;
        const cheapest = Math.min(...present.map((alternative) => alternative.cost2));
        matched++;
        cost += cheapest;
        weight += Math.max(...present.filter((alternative) => alternative.cost2 === cheapest).map((alternative) => this.weightOf(doc, alternative)));
      }
      if (matched > 0) scored.push({ doc, matched, cost, weight });
    });
    scored.sort((a, b) => b.matched - a.matched || a.cost - b.cost || b.weight - a.weight || a.doc - b.doc);
    return scored.slice(0, limit).map(({ doc }) => this.corpus.passages[doc]!.ref);
  }
}

let corpus: Corpus;
let engine: PassageSearch;
let brute: BruteForce;
let sets: QuerySet[];
let spellings: Spellings;

beforeAll(async () => {
  corpus = generateCorpus(await loadCorpus('corpus'), 300);
  engine = PassageSearch.build(corpus);
  brute = new BruteForce(corpus);
  sets = searchQueries(corpus, 12);
  spellings = await loadSpellings('corpus');
});

const refs = (query: string, limit: number, articleId?: string, spellings?: Spellings) =>
  engine.search(query, { limit, articleId, spellings }).map((hit) => hit.ref);

describe('search on 3,000 generated paragraphs, against a brute-force scorer', () => {
  it('is a corpus of distinct paragraphs with long term lists', () => {
    expect(new Set(corpus.passages.map((passage) => passage.text)).size).toBe(3000);
    const common = [...brute.docs.reduce((df, terms) => {
      for (const term of terms.keys()) df.set(term, (df.get(term) ?? 0) + 1);
      return df;
    }, new Map<string, number>()).values()].filter((df) => df > 500);
    expect(common.length).toBeGreaterThanOrEqual(10);
  });

  it.each(['exact word', 'typo, 1 edit', 'typos, 2 edits', 'word form', 'prefix, typed letter by letter', 'multi-word (2-4 words)', 'long text (300-500 characters)'])(
    'returns exactly the brute-force ranking: %s',
    (name) => {
      const set = sets.find((candidate) => candidate.name === name)!;
      expect(set.queries.length).toBeGreaterThan(10);
      for (const query of set.queries) expect({ query, refs: refs(query, 25) }).toEqual({ query, refs: brute.search(query, 25) });
    },
  );

  it('returns the same deep pages as brute force (limits past the first weight threshold)', () => {
    for (const query of ['kazakhstan', 'Putin', 'soviet union', 'revolutoin', 'Kaz', 'protesters riot police']) {
      for (const limit of [1, 60, 400]) expect({ query, limit, refs: refs(query, limit) }).toEqual({ query, limit, refs: brute.search(query, limit) });
    }
  });

  it('takes the heaviest of equally cheap alternatives, with several words (completions of a short prefix)', () => {
    for (const query of ['soviet k', 'putin r', 'russia s', 'kazakhstan p']) {
      expect({ query, refs: refs(query, 100) }).toEqual({ query, refs: brute.search(query, 100) });
    }
  });

  it('returns exactly the brute-force ranking with the shipped spellings, question words and 4-letter typos', () => {
    const queries = [
      'Almaty',
      'uranium factories',
      'Saint-Just and Robespierre',
      'what does the poet think about Chinese culture',
      'why are Kazakhs protesting',
      'I think Nazarbaev is to blame',
      'USSR collapse',
      'Collective Security Treaty Organization',
      'blackout',
      'Putn',
      'the',
      'putin the',
      'think',
      'Nazarbayev Nazarbaev demands',
    ];
    // The spellings do work here: Almaty is only in the list, the corpus has Alma-Ata.
    expect(refs('Almaty', 3)).toEqual([]);
    expect(refs('Almaty', 3, undefined, spellings)).toHaveLength(3);
    for (const query of queries) {
      for (const limit of [3, 60]) {
        expect({ query, limit, refs: refs(query, limit, undefined, spellings) }).toEqual({ query, limit, refs: brute.search(query, limit, undefined, spellings) });
      }
    }
  });

  it('filters by article, on one word and on several', () => {
    const articleId = corpus.passages[1234]!.articleId;
    for (const query of ['kazakhstan', 'the putin', 'revolutoin soviet', sets[0]!.queries[0]!]) {
      const found = refs(query, 25, articleId);
      expect(found).toEqual(brute.search(query, 25, articleId));
      expect(found.every((ref) => ref.startsWith(`${articleId}:`))).toBe(true);
    }
  });

  it('finds each long text’s own passage first', () => {
    const set = sets.find((candidate) => candidate.name.startsWith('long text'))!;
    for (const { query, relevant } of set.judged) expect(refs(query, 3)).toContain(corpus.passages[relevant[0]!]!.ref);
  });
});

describe('the saved index on 3,000 paragraphs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'marginalia-search-large-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads with the same results as the index it saved', async () => {
    expect((await loadOrBuildSearchIndex(corpus, { cacheDir: dir })).source).toBe('built');
    const loaded = await loadOrBuildSearchIndex(corpus, { cacheDir: dir });
    expect(loaded.source).toBe('cache');
    for (const set of sets) {
      for (const query of set.queries) expect(loaded.index.search(query, { limit: 40 })).toEqual(engine.search(query, { limit: 40 }));
    }
  });
});
