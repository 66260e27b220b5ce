import { distance } from 'fastest-levenshtein';
import type { SortedStrings } from './strings.js';

/**
 * Close spellings of a word, by letter triples: a word within k edits of the query
 * keeps at least (length − 3k) of the query's triples (the words padded at both ends),
 * since one edit breaks at most three, and each kept triple moves by at most k places.
 * So the words sharing enough triples at nearby places, counted over the triples' word
 * lists (the rarest of them, see `near`), are the only ones worth an exact edit
 * distance, instead of a walk over the whole vocabulary. (Letter pairs, or triples
 * anywhere in the word, filter too little: common ones are in thousands of words.)
 * A word too short for triples to filter (`Putn`: one edit may break them all but one)
 * is looked up instead in every spelling one edit away. The lists are built from the
 * word table at start-up, not saved.
 */
export class TypoIndex {
  private readonly tripleIds = new Map<number, number>();
  /** Occurrences of each triple: from `starts[triple]` to `starts[triple + 1]` in `words` and `places`. */
  private readonly starts: Uint32Array;
  private readonly words: Uint32Array;
  /** Where in the word the triple starts (at most 255). */
  private readonly places: Uint8Array;
  /** Triples shared per word while a query runs; zero between queries. */
  private readonly shared: Uint16Array;
  private readonly touched: Uint32Array;
  /** Every character of the words, to spell out the variants of a short query. */
  private readonly alphabet: string[];

  constructor(private readonly table: SortedStrings) {
    this.alphabet = [...new Set(table.text)];
    const counts: number[] = [];
    for (let word = 0; word < table.count; word++) {
      for (const triple of triplesOf(table.at(word))) {
        let id = this.tripleIds.get(triple);
        if (id === undefined) {
          id = counts.length;
          this.tripleIds.set(triple, id);
          counts.push(0);
        }
        counts[id]!++;
      }
    }
    this.starts = new Uint32Array(counts.length + 1);
    counts.forEach((count, id) => (this.starts[id + 1] = this.starts[id]! + count));
    const fill = this.starts.slice(0, counts.length);
    this.words = new Uint32Array(this.starts[counts.length]!);
    this.places = new Uint8Array(this.words.length);
    for (let word = 0; word < table.count; word++) {
      triplesOf(table.at(word)).forEach((triple, place) => {
        const at = fill[this.tripleIds.get(triple)!]!++;
        this.words[at] = word;
        this.places[at] = Math.min(255, place);
      });
    }
    this.shared = new Uint16Array(table.count);
    this.touched = new Uint32Array(table.count);
  }

  /** Calls `visit` with each word within `maxEdits` of `query` (other than the query itself) and its distance. */
  near(query: string, maxEdits: number, visit: (word: number, edits: number) => void): void {
    const check = (word: number) => {
      if (Math.abs(this.table.length(word) - query.length) > maxEdits) return;
      const edits = distance(query, this.table.at(word));
      if (edits > 0 && edits <= maxEdits) visit(word, edits);
    };
    const needed = query.length - 3 * maxEdits;
    if (maxEdits === 1 && needed < 2) {
      this.oneEditAway(query, visit);
      return;
    }
    if (needed <= 0) {
      // Too short to filter by triples: every word is a candidate.
      for (let word = 0; word < this.table.count; word++) check(word);
      return;
    }
    // A word keeping `needed` of the query's triples keeps `needed - m` of them without
    // the m commonest: reading all but those m keeps the filter sound, and m = needed - 2
    // leaves the longest lists unread while two shared triples still filter well.
    const size = (id: number | undefined) => (id === undefined ? 0 : this.starts[id + 1]! - this.starts[id]!);
    const triples = triplesOf(query)
      .map((triple, place) => ({ id: this.tripleIds.get(triple), place }))
      .sort((a, b) => size(a.id) - size(b.id));
    const skipped = Math.max(0, needed - 2);
    const threshold = needed - skipped;
    let touched = 0;
    for (const { id, place } of triples.slice(0, triples.length - skipped)) {
      if (id === undefined) continue;
      for (let i = this.starts[id]!; i < this.starts[id + 1]!; i++) {
        const at = this.places[i]!;
        if (Math.abs(at - place) > maxEdits && at < 255 && place < 255) continue;
        const word = this.words[i]!;
        if (this.shared[word]!++ === 0) this.touched[touched++] = word;
      }
    }
    for (let i = 0; i < touched; i++) {
      const word = this.touched[i]!;
      if (this.shared[word]! >= threshold) check(word);
      this.shared[word] = 0;
    }
  }

  /** Words one edit from `query`: every insertion, deletion and substitution looked up, a few hundred binary searches. */
  private oneEditAway(query: string, visit: (word: number, edits: number) => void): void {
    const found = new Set<number>();
    const look = (variant: string) => {
      const word = this.table.find(variant);
      if (word >= 0 && variant !== query && !found.has(word)) {
        found.add(word);
        visit(word, 1);
      }
    };
    for (let at = 0; at <= query.length; at++) {
      const head = query.slice(0, at);
      for (const letter of this.alphabet) look(head + letter + query.slice(at));
      if (at === query.length) break;
      const tail = query.slice(at + 1);
      look(head + tail);
      for (const letter of this.alphabet) if (letter !== query[at]) look(head + letter + tail);
    }
  }
}

/** The letter triples of a word padded at both ends, in order, each as one number. */
function triplesOf(word: string): number[] {
  const triples: number[] = [];
  const padded = PAD + word + PAD;
  for (let i = 0; i + 2 < padded.length; i++) {
    triples.push((padded.charCodeAt(i) * 65_536 + padded.charCodeAt(i + 1)) * 65_536 + padded.charCodeAt(i + 2));
  }
  return triples;
}

/** Pads the ends; it never occurs in a word (tokens are letters, digits and apostrophes). */
const PAD = '\u0000';
