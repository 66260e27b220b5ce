/**
 * The `k` passages with the highest keys, in one pass over any number of candidates:
 * a min-heap of typed arrays, so a candidate below the k-th costs one comparison.
 * Keys are unique (they end in the passage), so the order never depends on the order
 * candidates arrive in.
 */
export class TopK {
  private readonly keys: Float64Array;
  private readonly docs: Uint32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.keys = new Float64Array(k);
    this.docs = new Uint32Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  get count(): number {
    return this.size;
  }

  offer(key: number, doc: number): void {
    const keys = this.keys;
    if (this.size < this.k) {
      let at = this.size++;
      while (at > 0) {
        const parent = (at - 1) >>> 1;
        if (keys[parent]! <= key) break;
        keys[at] = keys[parent]!;
        this.docs[at] = this.docs[parent]!;
        at = parent;
      }
      keys[at] = key;
      this.docs[at] = doc;
      return;
    }
    if (key <= keys[0]!) return;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[at] = keys[child]!;
      this.docs[at] = this.docs[child]!;
      at = child;
    }
    keys[at] = key;
    this.docs[at] = doc;
  }

  /** The passages kept, highest key first. */
  sorted(): Array<{ doc: number; key: number }> {
    const out: Array<{ doc: number; key: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i]!, key: this.keys[i]! });
    return out.sort((a, b) => b.key - a.key);
  }
}
