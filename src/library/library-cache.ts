/** A value and what it holds in memory, as its builder estimates it. */
export interface Sized<V> {
  value: V;
  bytes: number;
}

export interface BoundedCache<V> {
  /** The cached value, now the most recently used; undefined when there is none. */
  get(key: string): V | undefined;
  /** The cached value, or the one `build` makes: one build however many callers ask at once. */
  load(key: string, build: () => Promise<Sized<V>>): Promise<V>;
  /** Drops the value, and a build in flight is not kept. */
  delete(key: string): void;
}

/**
 * Values kept while their sizes add up to at most `maxBytes`, the least recently used
 * evicted first: memory bounded by a setting, not by how many keys there are. A value
 * larger than the whole bound is handed out but not kept.
 */
export function boundedCache<V>(maxBytes: number): BoundedCache<V> {
  const entries = new Map<string, Sized<V>>();
  const building = new Map<string, Promise<V>>();
  let total = 0;

  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    total -= entry.bytes;
    entries.delete(key);
  };

  const keep = (key: string, entry: Sized<V>) => {
    drop(key);
    if (entry.bytes > maxBytes) return;
    entries.set(key, entry);
    total += entry.bytes;
    // A Map iterates in insertion order, and a used entry is put back at the end: the first is the least recently used.
    for (const oldest of entries.keys()) {
      if (total <= maxBytes) break;
      drop(oldest);
    }
  };

  const get = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    entries.set(key, entry);
    return entry.value;
  };

  return {
    get,
    load(key, build) {
      const cached = get(key);
      if (cached !== undefined) return Promise.resolve(cached);
      const pending = building.get(key);
      if (pending) return pending;
      const mine: Promise<V> = build().then(
        (entry) => {
          if (building.get(key) === mine) {
            building.delete(key);
            keep(key, entry);
          }
          return entry.value;
        },
        (error: unknown) => {
          if (building.get(key) === mine) building.delete(key);
          throw error;
        },
      );
      building.set(key, mine);
      return mine;
    },
    delete(key) {
      drop(key);
      building.delete(key);
    },
  };
}
