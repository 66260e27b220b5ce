/** Which passages contain each term, and the bitset helpers the query uses on passage sets. */

/** Which passages contain each term: a bitset for common terms, a sorted id list for the others. */
export class TermDocs {
  constructor(
    readonly docCount: number,
    /** Start of each term's data in `data`; length terms + 1. */
    readonly offsets: Uint32Array,
    readonly data: Uint32Array,
  ) {}

  static build(docCount: number, postings: number[][]): TermDocs {
    const words = Math.ceil(docCount / 32);
    const offsets = new Uint32Array(postings.length + 1);
    let total = 0;
    postings.forEach((ids, term) => {
      offsets[term] = total;
      total += ids.length >= words ? words : ids.length;
    });
    offsets[postings.length] = total;
    const data = new Uint32Array(total);
    postings.forEach((ids, term) => {
      const start = offsets[term]!;
      if (ids.length >= words) {
        for (const id of ids) data[start + (id >>> 5)]! |= 1 << (id & 31);
      } else {
        data.set(ids, start);
      }
    });
    return new TermDocs(docCount, offsets, data);
  }

  private isBitset(start: number, end: number): boolean {
    return end - start === Math.ceil(this.docCount / 32) && this.docCount > 0;
  }

  has(term: number, doc: number): boolean {
    const start = this.offsets[term]!;
    const end = this.offsets[term + 1]!;
    if (this.isBitset(start, end)) return ((this.data[start + (doc >>> 5)]! >>> (doc & 31)) & 1) === 1;
    let low = start;
    let high = end - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.data[mid]!;
      if (value === doc) return true;
      if (value < doc) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }
}

export interface DocRange {
  first: number;
  end: number;
}

/** Clears the bits of passages outside `range`. */
export function clipToRange(bits: Uint32Array, range: DocRange): void {
  for (let i = 0; i < bits.length; i++) {
    const low = i * 32;
    const high = low + 32;
    if (high <= range.first || low >= range.end) {
      bits[i] = 0;
    } else if (low < range.first || high > range.end) {
      let mask = 0;
      for (let doc = Math.max(low, range.first); doc < Math.min(high, range.end); doc++) mask |= 1 << (doc - low);
      bits[i]! &= mask;
    }
  }
}

export function popcount(bits: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < bits.length; i++) {
    let v = bits[i]!;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    count += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return count;
}
