import { readdirSync, readlinkSync } from 'node:fs';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsService, DEFAULT_SETTINGS } from '../../src/features/settings/service.js';
import { openStore, type Store } from '../../src/lib/store.js';
import { silentLogger, tempStore } from '../helpers/context.js';
import { hasBinary, serversRequired, startPostgres, startRedis, type TestServer } from '../helpers/servers.js';

interface Backend {
  name: string;
  binary?: string;
  start(): Promise<TestServer>;
  /** A Keyv on its own adapter for one namespace, as the store opened them before it shared one connection. */
  legacy(url: string, namespace: string): { keyv: Keyv; close(): Promise<void> };
}

/** Every namespace the bot uses, and the one /healthz reads. */
const NAMESPACES = ['settings', 'daily', 'daily-rotation', 'polls', 'poll-index', 'searches', 'health'];

/** SQLite has no server: its connections are this process's open handles on the file. */
function openHandlesOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed while we looked
    }
  }).length;
}

const settingsOn = (store: Store) => createSettingsService({ store, logger: silentLogger });

const legacyKeyv = (store: KeyvSqlite | KeyvRedis<string> | KeyvPostgres, namespace: string) =>
  new Keyv({ store, namespace, throwOnErrors: true });

const backends: Backend[] = [
  {
    name: 'sqlite',
    async start() {
      const temp = tempStore();
      await temp.store.close();
      const file = temp.url.replace(/^sqlite:\/\//, '');
      return { url: temp.url, connections: async () => openHandlesOn(file), stop: temp.cleanup };
    },
    legacy(url, namespace) {
      const keyv = legacyKeyv(new KeyvSqlite({ uri: url }), namespace);
      return { keyv, close: () => keyv.disconnect() };
    },
  },
  {
    name: 'redis',
    binary: 'redis-server',
    start: startRedis,
    legacy(url, namespace) {
      const keyv = legacyKeyv(new KeyvRedis<string>(url), namespace);
      return { keyv, close: () => keyv.disconnect() };
    },
  },
  {
    name: 'postgres',
    binary: 'postgres',
    start: startPostgres,
    legacy(url, namespace) {
      // @keyv/postgres's pool is the process's one, shared with the stores: closing a store ends it.
      return { keyv: legacyKeyv(new KeyvPostgres({ uri: url }), namespace), close: async () => undefined };
    },
  },
];

for (const backend of backends) {
  const available = !backend.binary || hasBinary(backend.binary) || serversRequired;
  describe.skipIf(!available)(`the ${backend.name} store`, () => {
    let server: TestServer;
    const opened: Store[] = [];
    const open = () => {
      const store = openStore(server.url);
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      server = await backend.start();
    }, 60_000);
    afterAll(async () => {
      for (const store of opened) await store.close();
      await server?.stop();
    });

    // First, while no other store of this process is open: @keyv/postgres shares one pool per process.
    it('GIVEN every namespace and claims in use THEN the store holds one connection, and close() closes it', async () => {
      const before = await server.connections();
      const store = openStore(server.url);
      for (const name of NAMESPACES) {
        await store.namespace(name).set('g0', { name });
        expect(await store.namespace(name).get('g0')).toEqual({ name });
        for await (const entry of store.namespace(name).entries()) expect(entry).toEqual(['g0', { name }]);
      }
      expect(await store.claim('daily:g0:2026-11-22', 'owner')).toBe(true);
      await store.release('daily:g0:2026-11-22', 'owner');
      await store.ping();
      expect(await server.connections()).toBe(before + 1);

      // A pool opens more connections when asked for many at once, up to pg's default of ten; one connection elsewhere.
      const burst = Array.from({ length: 30 }, (_, index) => store.namespace(NAMESPACES[index % NAMESPACES.length]!));
      await Promise.all(burst.map((namespace, index) => namespace.set(`burst${index}`, { index })));
      expect(await server.connections()).toBeLessThanOrEqual(before + (backend.name === 'postgres' ? 10 : 1));
      // Leave the namespaces empty for the tests below.
      await Promise.all(burst.map((namespace, index) => namespace.delete(`burst${index}`)));
      for (const name of NAMESPACES) await store.namespace(name).delete('g0');

      await store.close();
      await expect.poll(() => server.connections(), { timeout: 10_000 }).toBe(before);
    });

    it('GIVEN two namespaces THEN their records and listings stay apart', async () => {
      const store = open();
      await store.namespace('settings').set('g1', { a: 1 });
      await store.namespace('polls').set('g1', { b: 2 });
      expect(await store.namespace('settings').get('g1')).toEqual({ a: 1 });
      const listed: string[] = [];
      for await (const [key] of store.namespace('polls').entries()) listed.push(key);
      expect(listed).toEqual(['g1']);
    });

    it('GIVEN settings written by one process THEN another process on the same store reads them', async () => {
      await settingsOn(open()).update('g2', { prompt_style: 'reflective' });
      expect(await settingsOn(open()).get('g2')).toEqual({ ...DEFAULT_SETTINGS, prompt_style: 'reflective' });
    });

    it('GIVEN two processes claiming one key at once THEN exactly one wins', async () => {
      const [first, second] = [open(), open()];
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).claim(`daily:g3:2026-11-22`, `owner-${index}`)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await first.claim('daily:g3:2026-11-23', 'owner-x')).toBe(true);
    });

    it('GIVEN records written by one Keyv per namespace, as before THEN the store reads, lists and overwrites them', async () => {
      const settings = backend.legacy(server.url, 'settings');
      const polls = backend.legacy(server.url, 'polls');
      try {
        await settings.keyv.set('g4', { ...DEFAULT_SETTINGS, prompt_style: 'critical' });
        await polls.keyv.set('g4', { b: 4 });
        const store = open();
        expect(await settingsOn(store).get('g4')).toEqual({ ...DEFAULT_SETTINGS, prompt_style: 'critical' });
        const listed: Array<[string, unknown]> = [];
        for await (const entry of store.namespace('polls').entries()) if (entry[0] === 'g4') listed.push(entry);
        expect(listed).toEqual([['g4', { b: 4 }]]);

        // And the other way, so that old and new processes can share a store during a deploy.
        await settingsOn(store).update('g4', { prompt_style: 'reflective' });
        expect(await settings.keyv.get('g4')).toEqual({ ...DEFAULT_SETTINGS, prompt_style: 'reflective' });
      } finally {
        await settings.close();
        await polls.close();
      }
    });
  });
}
