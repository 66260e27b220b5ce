import type { z } from 'zod';
import type { Logger } from './logger.js';
import { UnreadableValue, type Namespace } from './store.js';

/** Typed records in one store namespace, validated with zod on the way in and out. */
export interface RecordStore<T> {
  /** The record, or undefined when there is none or it could not be read (then it is set aside). */
  get(key: string): Promise<T | undefined>;
  set(key: string, record: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every valid record (of the keys `keep` takes); one that cannot be read is set aside as it is met, and the others go on. */
  entries(keep?: (key: string) => boolean): AsyncGenerator<[string, T]>;
}

export function recordStore<S extends z.ZodType>(
  namespace: Namespace,
  schema: S,
  logger: Logger,
  what: string,
): RecordStore<z.output<S>> {
  // A record that is not JSON or no longer validates (old version, hand-edited, truncated) must stop
  // neither its server's feature nor anyone else's: it moves to the `quarantine` namespace with its
  // text, for someone to look at, and the feature starts over as if there were none.
  const setAside = async (key: string, raw: string, reason: string): Promise<undefined> => {
    logger.warn({ key, namespace: namespace.name, reason }, `unreadable ${what} record set aside in quarantine`);
    await namespace.setAside(key, raw, reason);
    return undefined;
  };

  const check = async (key: string, stored: unknown): Promise<z.output<S> | undefined> => {
    if (stored === undefined || stored === null) return undefined;
    if (stored instanceof UnreadableValue) return setAside(key, stored.raw, stored.reason);
    const parsed = schema.safeParse(stored);
    if (parsed.success) return parsed.data;
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
      .join('; ');
    return setAside(key, JSON.stringify(stored), `fails its schema: ${reason}`);
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
    async *entries(keep) {
      for await (const [key, stored] of namespace.entries(keep)) {
        let record: z.output<S> | undefined;
        try {
          record = await check(key, stored);
        } catch (error) {
          // Setting one record aside failed: it stays where it is, to be tried again, and the others go on.
          logger.warn({ err: error, key, namespace: namespace.name }, `could not set an unreadable ${what} record aside`);
        }
        if (record !== undefined) yield [key, record];
      }
    },
  };
}
