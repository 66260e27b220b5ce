import { mkdirSync, readdirSync, readlinkSync, rmdirSync } from 'node:fs';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSettingsService, DEFAULT_SETTINGS } from '../../src/features/settings/service.js';
import { openStore, StoreUnavailable, type Store } from '../../src/lib/store.js';
import { silentLogger, tempStore } from '../helpers/context.js';
import { rawStore } from '../helpers/raw-store.js';
import { hasBinary, serversRequired, startPostgres, startRedis, type TestServer } from '../helpers/servers.js';
import { startSlowProxy } from '../helpers/slow-proxy.js';

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

    it('GIVEN a claim whose holder is gone THEN of many processes taking it over at once exactly one wins, and a live holder keeps it', async () => {
      const processes = [open(), open(), open(), open()];
      const [first, second] = processes as [Store, Store];
      expect(await first.takeOver('daily:g5:live', 'live@1', () => false)).toBe(true);
      expect(await second.takeOver('daily:g5:live', 'other@2', (holder) => holder !== 'live@1')).toBe(false);
      for (let round = 0; round < 5; round++) {
        const key = `daily:g5:${round}`;
        expect(await first.claim(key, 'dead@1')).toBe(true);
        const taken = await Promise.all(
          Array.from({ length: 20 }, (_, index) => processes[index % processes.length]!.takeOver(key, `taker-${index}`, (holder) => holder === 'dead@1')),
        );
        expect(taken.filter(Boolean)).toHaveLength(1);
        // The dead holder can no longer give it away; the winner can.
        await first.release(key, 'dead@1');
        expect(await second.claim(key, 'late')).toBe(false);
        await first.release(key, `taker-${taken.indexOf(true)}`);
        expect(await second.claim(key, 'late')).toBe(true);
      }
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

    it('GIVEN records past their time to live THEN they are deleted on schedule without being read, and the others stay', async () => {
      const store = openStore(server.url, { sweepEveryMs: 100 });
      opened.push(store);
      const raw = rawStore(server.url);
      try {
        await store.namespace('searches').set('old', { query: 'expired' }, 300);
        await store.namespace('searches').set('fresh', { query: 'kept' }, 60_000);
        await store.namespace('settings').set('g6', { a: 6 });
        expect(await raw.get('searches', 'old')).toBeDefined();
        // SQL backends by the store's sweep, Redis by itself.
        await expect.poll(() => raw.get('searches', 'old'), { timeout: 3_000, interval: 100 }).toBeUndefined();
        expect(await raw.get('searches', 'fresh')).toBeDefined();
        expect(await raw.get('settings', 'g6')).toBeDefined();
      } finally {
        await raw.close();
      }
    });
  });
}

/** A store as bot.ts opens it, with its failures counted and its log lines caught. */
function watched(url: string) {
  const logger = pino({ level: 'info' });
  const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  let errors = 0;
  const store = openStore(url, { logger, onError: () => (errors += 1) });
  return { store, warn, info, errors: () => errors };
}

/** How long a store call takes, and what it throws. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await call();
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

const everyKindOfCall = (store: Store) => ({
  get: () => store.namespace('polls').get('p1'),
  set: () => store.namespace('polls').set('p1', { votes: 2 }),
  delete: () => store.namespace('polls').delete('p1'),
  entries: async () => {
    for await (const entry of store.namespace('polls').entries()) void entry;
  },
  claim: () => store.claim('daily:g1:2026-11-22', 'during-the-outage'),
  ping: () => store.ping(),
});

describe.skipIf(!hasBinary('redis-server') && !serversRequired)('the redis store when Redis stops, or is slow', () => {
  it('GIVEN Redis stopped THEN every call fails at once with StoreUnavailable, logged once; GIVEN it back THEN calls work and nothing sent meanwhile lands', async () => {
    const server = await startRedis({ durable: true });
    const { store, warn, info, errors } = watched(server.url);
    try {
      await store.namespace('polls').set('p1', { votes: 1 });
      await server.halt();
      const calls = Object.entries(everyKindOfCall(store));
      for (const [name, call] of calls) {
        const { ms, error } = await timed(call);
        expect(error, name).toBeInstanceOf(StoreUnavailable);
        expect(ms, name).toBeLessThan(500);
      }
      expect(errors()).toBe(calls.length);
      expect(warn.mock.calls, JSON.stringify(warn.mock.calls)).toHaveLength(1);

      await server.restart();
      await expect.poll(() => store.namespace('polls').get('p1').catch(() => 'down'), { timeout: 10_000, interval: 100 }).toEqual({ votes: 1 });
      expect(info).toHaveBeenCalledWith(expect.anything(), 'store available again');
      // Had anything been queued, it would have been sent on reconnecting.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await store.namespace('polls').get('p1')).toEqual({ votes: 1 });
      expect(await store.claim('daily:g1:2026-11-22', 'after')).toBe(true);
    } finally {
      await store.close();
      await server.stop();
    }
  }, 30_000);

  it('GIVEN 1.5 s a round trip THEN calls succeed; GIVEN no answer within 2 s THEN they fail with StoreUnavailable at 2 s', async () => {
    const server = await startRedis();
    const target = { port: Number(new URL(server.url).port) };
    const [slow, stuck] = [await startSlowProxy(target, 1_500), await startSlowProxy(target, 5_000)];
    const slowStore = openStore(`redis://127.0.0.1:${slow.port}`);
    const stuckStore = watched(`redis://127.0.0.1:${stuck.port}`);
    try {
      await slowStore.namespace('settings').set('g1', { a: 1 });
      const read = await timed(async () => expect(await slowStore.namespace('settings').get('g1')).toEqual({ a: 1 }));
      expect(read.error).toBeUndefined();
      expect(read.ms).toBeGreaterThanOrEqual(1_490);

      const { ms, error } = await timed(() => stuckStore.store.namespace('settings').get('g1'));
      expect(error).toBeInstanceOf(StoreUnavailable);
      expect(ms).toBeGreaterThanOrEqual(1_990);
      expect(ms).toBeLessThan(4_500); // the first call also waits, bounded, for the connection
      expect(stuckStore.errors()).toBe(1);
    } finally {
      await slowStore.close();
      await stuckStore.store.close();
      await Promise.all([slow.close(), stuck.close()]);
      await server.stop();
    }
  }, 30_000);
});

describe('the sqlite store when its file cannot be written', () => {
  // As root (as tests may run) a read-only mode does not stop writes, so the fault is made another way
  // that holds for every user: a directory where SQLite must create its rollback journal.
  it('GIVEN the journal cannot be created THEN calls fail at once with StoreUnavailable; GIVEN it can again THEN they work and the failed write never lands', async () => {
    const temp = tempStore();
    const { store, warn, errors } = watched(temp.url);
    const journal = `${temp.url.replace(/^sqlite:\/\//, '')}-journal`;
    try {
      await store.namespace('polls').set('p1', { votes: 1 });
      mkdirSync(journal);
      const calls = Object.entries(everyKindOfCall(store));
      for (const [name, call] of calls) {
        const { ms, error } = await timed(call);
        expect(error, name).toBeInstanceOf(StoreUnavailable);
        expect(ms, name).toBeLessThan(500);
      }
      expect(errors()).toBe(calls.length);
      expect(warn).toHaveBeenCalledTimes(1);

      rmdirSync(journal);
      expect(await store.namespace('polls').get('p1')).toEqual({ votes: 1 });
      expect(await store.claim('daily:g1:2026-11-22', 'after')).toBe(true);
    } finally {
      await store.close();
      await temp.cleanup();
    }
  });

  it('GIVEN the file could not be opened at first THEN a later call opens it again', async () => {
    const temp = tempStore();
    await temp.store.close();
    const file = temp.url.replace(/^sqlite:\/\//, '');
    mkdirSync(file); // a directory where the file should be
    const store = openStore(temp.url);
    try {
      await expect(store.namespace('settings').get('g1')).rejects.toBeInstanceOf(StoreUnavailable);
      rmdirSync(file);
      await store.namespace('settings').set('g1', { a: 1 });
      expect(await store.namespace('settings').get('g1')).toEqual({ a: 1 });
    } finally {
      await store.close();
      await temp.cleanup();
    }
  });
});
