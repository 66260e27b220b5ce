import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsStore, DEFAULT_SETTINGS } from '../../src/features/settings/service.js';
import { openStore, type Store } from '../../src/lib/store.js';
import { silentLogger, tempStore } from '../helpers/context.js';
import { hasBinary, serversRequired, startPostgres, startRedis, type TestServer } from '../helpers/servers.js';

interface Backend {
  name: string;
  binary?: string;
  start(): Promise<{ url: string; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async start() {
      const temp = tempStore();
      await temp.store.close();
      return { url: temp.url, stop: temp.cleanup };
    },
  },
  { name: 'redis', binary: 'redis-server', start: startRedis },
  { name: 'postgres', binary: 'postgres', start: startPostgres },
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

    it('GIVEN two namespaces THEN their records and listings stay apart', async () => {
      const store = open();
      await store.namespace('settings').set('g1', { a: 1 });
      await store.namespace('polls').set('g1', { b: 2 });
      expect(await store.namespace('settings').get('g1')).toEqual({ a: 1 });
      const listed: string[] = [];
      for await (const [key] of store.namespace('polls').iterator!('polls') as AsyncGenerator<[string, unknown]>) listed.push(key);
      expect(listed).toEqual(['g1']);
    });

    it('GIVEN settings written by one process THEN another process on the same store reads them', async () => {
      await createSettingsStore(open(), silentLogger).update('g2', { prompt_style: 'reflective' });
      expect(await createSettingsStore(open(), silentLogger).get('g2')).toEqual({ ...DEFAULT_SETTINGS, prompt_style: 'reflective' });
    });

    it('GIVEN two processes claiming one key at once THEN exactly one wins', async () => {
      const [first, second] = [open(), open()];
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).claim(`daily:g3:2026-11-22`, `owner-${index}`)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await first.claim('daily:g3:2026-11-23', 'owner-x')).toBe(true);
    });
  });
}
