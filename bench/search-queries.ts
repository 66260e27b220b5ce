import { distance } from 'fastest-levenshtein';
import type { SearchCorpus } from '../src/search/engine.js';
import { foldWord, memoised, normaliseTerm, tokenize } from '../src/search/terms.js';
import { mulberry32 } from './generate-corpus.js';

/**
 * The search bench's queries, drawn from the corpus they run on, one set per class
 * of query a reader sends, each with the passages it should find (for recall):
 *
 * - exact, typos (1 and 2 edits), word forms: one word of a random passage (half of
 *   them rare words, half as they come, so mostly common ones); a typo is a random
 *   edit that is not itself a word of the corpus, a word form another form of the same
 *   stem. Should find: the passages holding the word.
 * - prefix: a word of 6+ letters typed letter by letter, as autocomplete sends it;
 *   recall is judged on the word without its last letter.
 * - multi-word: 2-4 words of a passage, in order. Should find: the passages holding all.
 * - long text: 300-500 characters of a passage, as Find in articles sends a message
 *   quoting it; half of them lower-cased with two typos. Should find: that passage.
 *
 * Recall of one query: found relevant passages / min(relevant passages, limit).
 */
export interface QuerySet {
  name: string;
  /** Timed, in this order; each is new to the index on the first pass. */
  queries: string[];
  judged: Array<{ query: string; relevant: number[] }>;
}

interface Word {
  token: string;
  folded: string;
  term: string;
  doc: number;
}

/** Rare enough that every passage holding it fits in one page of results. */
const RARE = 25;

export function searchQueries(corpus: SearchCorpus, perClass: number, seed = 7): QuerySet[] {
  const random = mulberry32(seed);
  const int = (below: number) => Math.floor(random() * below);
  const passages = corpus.passages;
  const termOf = memoised(normaliseTerm, 1_000_000);
  // foldWord never returns null; memoised is typed for normaliseTerm.
  const fold = memoised(foldWord, 1_000_000) as (token: string) => string;

  // One pass: each term's passage count and surface forms.
  const df = new Map<string, number>();
  const forms = new Map<string, Set<string>>();
  for (const passage of passages) {
    const seen = new Set<string>();
    for (const token of tokenize(passage.text)) {
      const term = termOf(token);
      if (term === null) continue;
      let known = forms.get(term);
      if (!known) forms.set(term, (known = new Set()));
      if (known.size < 4) known.add(fold(token));
      if (!seen.has(term)) {
        seen.add(term);
        df.set(term, (df.get(term) ?? 0) + 1);
      }
    }
  }

  /** A word of a random passage meeting `accept`; every other call insists on a rare one. */
  let calls = 0;
  const pickWord = (accept: (word: Word) => boolean): Word => {
    const rare = calls++ % 2 === 0;
    for (;;) {
      const doc = int(passages.length);
      const tokens = tokenize(passages[doc]!.text);
      const token = tokens[int(tokens.length)]!;
      const term = termOf(token);
      if (term === null || /\d/.test(token)) continue;
      const word = { token, folded: fold(token), term, doc };
      if ((!rare || df.get(term)! <= RARE) && accept(word)) return word;
    }
  };
  const isWord = (text: string) => {
    const term = termOf(text);
    return term !== null && df.has(term);
  };
  const typo = (word: string, edits: number): string | undefined => {
    for (let attempt = 0; attempt < 20; attempt++) {
      let typed = word;
      for (let i = 0; i < edits; i++) {
        const at = int(typed.length);
        const letter = String.fromCharCode(97 + int(26));
        const kind = int(3);
        typed = kind === 0 ? typed.slice(0, at) + letter + typed.slice(at + 1) : kind === 1 ? typed.slice(0, at) + typed.slice(at + 1) : typed.slice(0, at) + letter + typed.slice(at);
      }
      if (distance(typed, word) === edits && !isWord(typed)) return typed;
    }
    return undefined;
  };

  const wanted = new Map<string, number[]>();
  const want = (term: string) => {
    if (!wanted.has(term)) wanted.set(term, []);
  };
  const sets: Array<{ name: string; queries: string[]; judged: Array<{ query: string; terms: string[]; doc?: number }> }> = [];
  const single = (name: string, make: () => { query: string; term: string } | undefined) => {
    const judged: Array<{ query: string; terms: string[] }> = [];
    while (judged.length < perClass) {
      const made = make();
      if (!made) continue;
      want(made.term);
      judged.push({ query: made.query, terms: [made.term] });
    }
    sets.push({ name, queries: judged.map((item) => item.query), judged });
  };

  single('exact word', () => {
    const word = pickWord((w) => w.folded.length >= 3);
    return { query: word.token, term: word.term };
  });
  single('typo, 1 edit', () => {
    const word = pickWord((w) => w.folded.length >= 5 && /^[a-z]+$/.test(w.folded));
    const typed = typo(word.folded, 1);
    return typed === undefined ? undefined : { query: typed, term: word.term };
  });
  single('typos, 2 edits', () => {
    const word = pickWord((w) => w.folded.length >= 8 && /^[a-z]+$/.test(w.folded));
    const typed = typo(word.folded, 2);
    return typed === undefined ? undefined : { query: typed, term: word.term };
  });
  single('word form', () => {
    const word = pickWord((w) => /^[a-z]+$/.test(w.folded));
    const other = [...forms.get(word.term)!].find((form) => form !== word.folded);
    const made = other ?? ['s', 'ing', 'ed', 'es'].map((suffix) => word.folded + suffix).find((form) => termOf(form) === word.term);
    return made === undefined ? undefined : { query: made, term: word.term };
  });

  const typed: string[] = [];
  const prefixJudged: Array<{ query: string; terms: string[] }> = [];
  while (typed.length < perClass) {
    const word = pickWord((w) => w.folded.length >= 6 && /^[a-z]+$/.test(w.folded));
    for (let i = 1; i <= word.token.length; i++) typed.push(word.token.slice(0, i));
    want(word.term);
    prefixJudged.push({ query: word.token.slice(0, -1), terms: [word.term] });
  }
  sets.push({ name: 'prefix, typed letter by letter', queries: typed, judged: prefixJudged });

  const multi: Array<{ query: string; terms: string[] }> = [];
  while (multi.length < perClass) {
    const doc = int(passages.length);
    const words = tokenize(passages[doc]!.text).filter((token) => termOf(token) !== null && !/\d/.test(token));
    const count = 2 + int(3);
    if (words.length < count) continue;
    const picked = [...new Set(Array.from({ length: count }, () => int(words.length)))].sort((a, b) => a - b).map((at) => words[at]!);
    const terms = [...new Set(picked.map((token) => termOf(token)!))];
    if (terms.length < 2) continue;
    terms.forEach(want);
    multi.push({ query: picked.join(' '), terms });
  }
  sets.push({ name: 'multi-word (2-4 words)', queries: multi.map((item) => item.query), judged: multi });

  const long: Array<{ query: string; terms: string[]; doc: number }> = [];
  while (long.length < perClass) {
    const doc = int(passages.length);
    const text = passages[doc]!.text;
    const length = 300 + int(201);
    if (text.length < length + 20) continue;
    let start = text.indexOf(' ', int(text.length - length)) + 1;
    if (start <= 0 || start + length > text.length) start = 0;
    let query = text.slice(start, start + length);
    query = query.slice(0, query.lastIndexOf(' '));
    if (long.length % 2 === 1) {
      const words = query.toLowerCase().split(' ');
      for (let i = 0; i < 2; i++) {
        const at = int(words.length);
        if (words[at]!.length >= 5) words[at] = typo(words[at]!, 1) ?? words[at]!;
      }
      query = words.join(' ');
    }
    long.push({ query, terms: [], doc });
  }
  sets.push({ name: 'long text (300-500 characters)', queries: long.map((item) => item.query), judged: long });

  // Second pass: the passages holding each judged term.
  passages.forEach((passage, doc) => {
    for (const token of tokenize(passage.text)) {
      const list = wanted.get(termOf(token) ?? '');
      if (list && list[list.length - 1] !== doc) list.push(doc);
    }
  });
  return sets.map(({ name, queries, judged }) => ({
    name,
    // Each query new to the index: a repeat would be a warm query.
    queries: [...new Set(queries)],
    judged: judged.map(({ query, terms, doc }) => ({ query, relevant: doc !== undefined ? [doc] : intersect(terms.map((term) => wanted.get(term)!)) })),
  }));
}

/** Recall of one query's hits (passage numbers) against its relevant passages, at `limit`. */
export function recall(hits: number[], relevant: number[], limit: number): number {
  if (relevant.length === 0) return 1;
  const wanted = new Set(relevant);
  return hits.filter((doc) => wanted.has(doc)).length / Math.min(relevant.length, limit);
}

function intersect(lists: number[][]): number[] {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length);
  const others = rest.map((list) => new Set(list));
  return first!.filter((doc) => others.every((set) => set.has(doc)));
}
