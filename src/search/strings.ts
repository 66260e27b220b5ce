/**
 * A sorted table of distinct strings packed into one string and an offset array: a
 * vocabulary of 100,000 words costs one string and one typed array instead of 100,000
 * heap objects, and saves and loads as is. Lookup and prefix ranges are binary
 * searches (UTF-16 code unit order, as `<` compares).
 */
export class SortedStrings {
  constructor(
    readonly text: string,
    /** Start of string `i` in `text`; length count + 1. */
    readonly starts: Uint32Array,
  ) {}

  static from(sorted: readonly string[]): SortedStrings {
    const starts = new Uint32Array(sorted.length + 1);
    let at = 0;
    sorted.forEach((value, i) => {
      starts[i] = at;
      at += value.length;
    });
    starts[sorted.length] = at;
    return new SortedStrings(sorted.join(''), starts);
  }

  get count(): number {
    return this.starts.length - 1;
  }

  length(i: number): number {
    return this.starts[i + 1]! - this.starts[i]!;
  }

  at(i: number): string {
    return this.text.slice(this.starts[i], this.starts[i + 1]);
  }

  /** Index of `value`, or -1. */
  find(value: string): number {
    const i = this.lowerBound(value);
    return i < this.count && this.length(i) === value.length && this.text.startsWith(value, this.starts[i]) ? i : -1;
  }

  /** The index range [first, end) of the strings starting with `prefix`. */
  prefixRange(prefix: string): { first: number; end: number } {
    const first = this.lowerBound(prefix);
    let low = first;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.startsWith(mid, prefix)) low = mid + 1;
      else high = mid;
    }
    return { first, end: low };
  }

  private startsWith(i: number, prefix: string): boolean {
    const start = this.starts[i]!;
    if (this.starts[i + 1]! - start < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++) if (this.text.charCodeAt(start + k) !== prefix.charCodeAt(k)) return false;
    return true;
  }

  private lowerBound(value: string): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.isBelow(mid, value)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** `this.at(i) < value`, compared in place: a lookup makes no strings (typo lookups make hundreds). */
  private isBelow(i: number, value: string): boolean {
    const start = this.starts[i]!;
    const length = this.starts[i + 1]! - start;
    const shared = Math.min(length, value.length);
    for (let k = 0; k < shared; k++) {
      const difference = this.text.charCodeAt(start + k) - value.charCodeAt(k);
      if (difference !== 0) return difference < 0;
    }
    return length < value.length;
  }
}
