import KeyvPostgres from '@keyv/postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, UnreadableValue, type Store } from '../../src/lib/store.js';
import { tempStore } from '../helpers/context.js';
import { rawStore } from '../helpers/raw-store.js';
import { hasBinary, serversRequired, startPostgres, startRedis, type TestServer } from '../helpers/servers.js';

/** More than one page of the store's listing (5,000 records a round trip), and not a multiple of it. */
const MANY = 11_111;

/** Keys that sort oddly: around the `:` and `;` that bound a namespace bytewise, glob and LIKE characters, non-ASCII, lengths. */
const ODD_KEYS = ['', ':', ';', 'a:b', 'daily:', 'Z', 'z', '~', '%', '_', '*', '?', '[x]', ' space', 'é', '日本', '😀', '9', '10', '9'.repeat(20)];

/** Namespaces whose names share a prefix with `daily`, holding the same keys. */
const NEIGHBOURS = ['dail', 'daily-rotation', 'dailyz', 'daily0'];

async function listed(store: Store, name: string, keep?: (key: string) => boolean): Promise<Array<[string, unknown]>> {
  const entries: Array<[string, unknown]> = [];
  for await (const entry of store.namespace(name).entries(keep)) entries.push(entry);
  return entries;
}

async function fill(store: Store, name: string, keys: string[], value: (key: string) => unknown): Promise<void> {
  for (let at = 0; at < keys.length; at += 500) await Promise.all(keys.slice(at, at + 500).map((key) => store.namespace(name).set(key, value(key))));
}

interface Backend {
  name: string;
  available: boolean;
  start(): Promise<TestServer | { url: string; stop(): Promise<void> }>;
}

/**
 * A PostgreSQL database whose collation is not bytewise (ICU en-US ignores punctuation at first):
 * there `daily:x` does not sort between `daily:` and `daily;`.
 */
async function startPostgresIcu(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await startPostgres();
  const admin = new KeyvPostgres({ uri: server.url });
  // A server still starting fails the adapter's own CREATE TABLE; the queries below are tried again.
  admin.on('error', () => undefined);
  try {
    await vi.waitFor(() => admin.query('SELECT 1'), { timeout: 20_000, interval: 200 });
    await admin.query("CREATE DATABASE icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.disconnect();
  }
  return { url: server.url.replace(/\/postgres$/, '/icu'), stop: () => server.stop() };
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    available: true,
    async start() {
      const temp = tempStore();
      await temp.store.close();
      return { url: temp.url, stop: temp.cleanup };
    },
  },
  { name: 'redis', available: hasBinary('redis-server') || serversRequired, start: () => startRedis() },
  { name: 'postgres', available: hasBinary('postgres') || serversRequired, start: startPostgres },
  { name: 'postgres with an ICU collation', available: hasBinary('postgres') || serversRequired, start: startPostgresIcu },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`listing a namespace of the ${backend.name} store`, () => {
    let server: { url: string; stop(): Promise<void> };
    let store: Store;
    const keys = [...Array.from({ length: MANY }, (_, index) => String(900_000_000_000_000_000n + BigInt(index * 7_919))), ...ODD_KEYS];
    const neighbourKeys = [...ODD_KEYS, keys[0]!, keys[MANY - 1]!];

    beforeAll(async () => {
      server = await backend.start();
      store = openStore(server.url);
      // PostgreSQL listens a moment before it takes queries ("the database system is starting up").
      await vi.waitFor(() => store.ping(), { timeout: 20_000, interval: 200 });
      await fill(store, 'daily', keys, (key) => ({ key }));
      for (const name of NEIGHBOURS) await fill(store, name, neighbourKeys, (key) => ({ key, name }));
    }, 180_000);
    afterAll(async () => {
      await store?.close();
      await server?.stop();
    });

    it('GIVEN more records than a page, odd keys and neighbouring namespaces THEN each record of the namespace is listed once, and nothing else', async () => {
      const entries = await listed(store, 'daily');
      expect(entries.length).toBe(keys.length);
      expect(entries.map(([key]) => key).sort()).toEqual([...keys].sort());
      for (const [key, value] of entries) expect(value).toEqual({ key });
      for (const name of NEIGHBOURS) expect((await listed(store, name)).map(([key]) => key).sort()).toEqual([...neighbourKeys].sort());
    }, 60_000);

    it('GIVEN a key filter THEN the records it refuses are not read, an unreadable one included', async () => {
      const raw = rawStore(server.url);
      try {
        await raw.set('daily', 'elsewhere', '{not json');
        const kept = await listed(store, 'daily', (key) => key.startsWith('9000'));
        expect(kept.map(([key]) => key).sort()).toEqual(keys.filter((key) => key.startsWith('9000')).sort());
        // Read without the filter it is reported as unreadable: refused, it was never decoded.
        expect((await listed(store, 'daily')).find(([key]) => key === 'elsewhere')?.[1]).toBeInstanceOf(UnreadableValue);
      } finally {
        await store.namespace('daily').delete('elsewhere');
        await raw.close();
      }
    }, 60_000);

    it('GIVEN records deleted and written while the pages are read THEN every record there throughout is listed once', async () => {
      const gone = new Set(keys.filter((_, index) => index % 10 === 3));
      const seen = new Map<string, number>();
      let changed = false;
      for await (const [key] of store.namespace('daily').entries()) {
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (!changed) {
          // Once the first page is in: delete some records on every page, rewrite others.
          changed = true;
          await Promise.all([...gone].map((other) => store.namespace('daily').delete(other)));
          await fill(store, 'daily', keys.filter((_, index) => index % 10 === 5), (other) => ({ key: other, again: true }));
        }
      }
      const stayed = keys.filter((key) => !gone.has(key));
      expect(stayed.filter((key) => seen.get(key) !== 1)).toEqual([]);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      await fill(store, 'daily', [...gone], (key) => ({ key }));
    }, 120_000);
  });
}
