import type { KeyedQueue } from '../../lib/keyed-queue.js';

/**
 * Group commit on a keyed queue: items submitted while a key's previous batch is
 * running wait together and are applied in one task, so a thousand clicks cost a
 * few store writes instead of a thousand, and still in order, one batch at a time.
 * `apply` returns one result per item: a value, or an Error for that item alone.
 */
export function createBatcher<I, O>(queue: KeyedQueue, apply: (key: string, items: I[]) => Promise<Array<O | Error>>) {
  interface Waiting {
    item: I;
    resolve(value: O): void;
    reject(error: unknown): void;
  }
  const open = new Map<string, Waiting[]>();

  return {
    submit(key: string, item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        let batch = open.get(key);
        if (!batch) {
          const taken: Waiting[] = [];
          batch = taken;
          open.set(key, taken);
          queue
            .run(key, async () => {
              // From here on, new items start the next batch.
              if (open.get(key) === taken) open.delete(key);
              const results = await apply(
                key,
                taken.map((waiting) => waiting.item),
              );
              taken.forEach((waiting, index) => {
                const result = results[index];
                if (result instanceof Error) waiting.reject(result);
                else waiting.resolve(result as O);
              });
            })
            .catch((error: unknown) => taken.forEach((waiting) => waiting.reject(error)));
        }
        batch.push({ item, resolve, reject });
      });
    },
    /** True while items of `key` wait for a batch that has not started yet. */
    waiting(key: string): boolean {
      return open.has(key);
    },
  };
}
