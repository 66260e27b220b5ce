import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { Namespace } from './store.js';

/** Typed records in one store namespace, validated with zod on the way in and out. */
export interface RecordStore<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, record: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every valid record; invalid ones are dropped with a warning as they are met. */
  entries(): AsyncGenerator<[string, T]>;
}

export function recordStore<S extends z.ZodType>(
  namespace: Namespace,
  schema: S,
  logger: Logger,
  what: string,
): RecordStore<z.output<S>> {
  // A stored record that no longer validates (old version, hand-edited) must not crash the bot.
  const check = async (key: string, raw: unknown): Promise<z.output<S> | undefined> => {
    if (raw === undefined || raw === null) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    logger.warn({ key, namespace: namespace.name, issues: parsed.error.issues.slice(0, 3) }, `invalid ${what} record dropped`);
    await namespace.delete(key);
    return undefined;
  };

  return {
    async get(key) {
      return check(key, await namespace.get(key));
    },
    async set(key, record, ttlMs) {
      await namespace.set(key, schema.parse(record), ttlMs);
    },
    async delete(key) {
      await namespace.delete(key);
    },
    async *entries() {
      for await (const [key, raw] of namespace.entries()) {
        const record = await check(key, raw);
        if (record !== undefined) yield [key, record];
      }
    },
  };
}
