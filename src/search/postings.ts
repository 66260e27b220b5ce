/**
 * Which passages hold each term, and how strongly: per term, its passages in
 * ascending order (so membership is a binary search and an article's passages a
 * sub-range) with a one-byte BM25 weight each (so a term's best passages are found by
 * a scan of bytes, without a second, ranked copy of the lists). Three typed arrays
 * for the whole corpus.
 */
export class Postings {
  constructor(
    /** Start of each term's postings; length terms + 1. */
    readonly starts: Uint32Array,
    readonly docs: Uint32Array,
    /** BM25 weight of the term in the passage, 1-255. */
    readonly weights: Uint8Array,
  ) {}

  /**
   * From each passage's distinct terms (`docTerms` from `docStarts[d]` to `docStarts[d + 1]`)
   * and their counts (`docCounts`).
   */
  static build(termCount: number, docStarts: Uint32Array, docTerms: Uint32Array, docCounts: Uint16Array): Postings {
    const docCount = docStarts.length - 1;
    const lengths = new Uint32Array(docCount);
    let totalLength = 0;
    for (let doc = 0; doc < docCount; doc++) {
      for (let i = docStarts[doc]!; i < docStarts[doc + 1]!; i++) lengths[doc]! += docCounts[i]!;
      totalLength += lengths[doc]!;
    }
    const starts = new Uint32Array(termCount + 1);
    for (const term of docTerms) starts[term + 1]!++;
    for (let term = 0; term < termCount; term++) starts[term + 1]! += starts[term]!;
    const fill = starts.slice(0, termCount);
    const docs = new Uint32Array(docTerms.length);
    const weights = new Uint8Array(docTerms.length);
    const averageLength = totalLength / Math.max(1, docCount);
    for (let doc = 0; doc < docCount; doc++) {
      const norm = K1 * (1 - B + (B * lengths[doc]!) / averageLength);
      for (let i = docStarts[doc]!; i < docStarts[doc + 1]!; i++) {
        const at = fill[docTerms[i]!]!++;
        const tf = docCounts[i]!;
        docs[at] = doc;
        // BM25's term-frequency part, scaled to 1-255 (its maximum is K1 + 1).
        weights[at] = Math.max(1, Math.round(((tf * (K1 + 1)) / (tf + norm) / (K1 + 1)) * 255));
      }
    }
    return new Postings(starts, docs, weights);
  }

  count(term: number): number {
    return this.starts[term + 1]! - this.starts[term]!;
  }

  /** The position of `doc` in the term's postings, or -1. */
  find(term: number, doc: number): number {
    let low = this.starts[term]!;
    let high = this.starts[term + 1]! - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.docs[mid]!;
      if (value === doc) return mid;
      if (value < doc) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The positions [first, end) of the term's postings for passages first ≤ doc < end. */
  slice(term: number, range?: { first: number; end: number }): { first: number; end: number } {
    const first = this.starts[term]!;
    const end = this.starts[term + 1]!;
    if (!range) return { first, end };
    return { first: this.lowerBound(first, end, range.first), end: this.lowerBound(first, end, range.end) };
  }

  /**
   * The lowest weight that at least `want` of the postings [first, end) reach (1 if
   * fewer than `want` exist): a histogram of the weight bytes, one sequential scan.
   */
  threshold(first: number, end: number, want: number): number {
    if (end - first <= want) return 1;
    const histogram = new Uint32Array(256);
    const weights = this.weights;
    for (let i = first; i < end; i++) histogram[weights[i]!]!++;
    let reached = 0;
    for (let weight = 255; weight > 1; weight--) {
      reached += histogram[weight]!;
      if (reached >= want) return weight;
    }
    return 1;
  }

  private lowerBound(first: number, end: number, doc: number): number {
    let low = first;
    let high = end;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.docs[mid]! < doc) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** BM25 constants. */
const K1 = 1.2;
const B = 0.75;
