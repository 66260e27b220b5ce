import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { recordStore } from '../../src/lib/records.js';
import { openStore, type Store } from '../../src/lib/store.js';
import { rawStore, type RawStore } from '../helpers/raw-store.js';
import { tempStore } from '../helpers/context.js';
import { hasBinary, serversRequired, startPostgres, startRedis, type TestServer } from '../helpers/servers.js';

const scheduleSchema = z.strictObject({ channelId: z.string(), time: z.string() });

const backends: Array<{ name: string; binary?: string; start(): Promise<TestServer> }> = [
  {
    name: 'sqlite',
    async start() {
      const temp = tempStore();
      await temp.store.close();
      return { url: temp.url, connections: async () => 0, stop: temp.cleanup };
    },
  },
  { name: 'redis', binary: 'redis-server', start: startRedis },
  { name: 'postgres', binary: 'postgres', start: startPostgres },
];

for (const backend of backends) {
  const available = !backend.binary || hasBinary(backend.binary) || serversRequired;
  describe.skipIf(!available)(`records on ${backend.name}`, () => {
    let server: TestServer;
    let store: Store;
    let raw: RawStore;
    const logger = pino({ level: 'warn' });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    beforeAll(async () => {
      server = await backend.start();
      store = openStore(server.url);
      raw = rawStore(server.url);
    }, 60_000);
    afterAll(async () => {
      await raw?.close();
      await store?.close();
      await server?.stop();
    });

    /** Every record in quarantine that came from `namespace`. */
    async function quarantined(namespace: string) {
      const found: unknown[] = [];
      for await (const [, record] of store.namespace('quarantine').entries()) if ((record as { namespace: string }).namespace === namespace) found.push(record);
      return found;
    }

    it('GIVEN one record that is not JSON among good ones THEN get gives undefined with a warning, the text is kept in quarantine, and the others are untouched', async () => {
      const schedules = recordStore(store.namespace('daily'), scheduleSchema, logger, 'daily schedule');
      await schedules.set('healthy', { channelId: 'c1', time: '09:00' });
      await raw.set('daily', 'broken', '{"value":{"channelId":"c2"'); // cut off mid-write
      warn.mockClear();

      expect(await schedules.get('broken')).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ namespace: 'daily', key: 'broken' }), 'unreadable daily schedule record set aside in quarantine');
      expect(await quarantined('daily')).toEqual([
        expect.objectContaining({ namespace: 'daily', key: 'broken', raw: '{"value":{"channelId":"c2"', reason: expect.stringMatching(/^not JSON/) }),
      ]);
      expect(await raw.get('daily', 'broken')).toBeUndefined();
      expect(await schedules.get('healthy')).toEqual({ channelId: 'c1', time: '09:00' });

      // The server starts over: a new record is written and read as usual.
      await schedules.set('broken', { channelId: 'c3', time: '10:00' });
      expect(await schedules.get('broken')).toEqual({ channelId: 'c3', time: '10:00' });
    });

    it('GIVEN records that are not JSON or fail their schema THEN entries() sets them aside and lists every other one', async () => {
      const indexes = recordStore(store.namespace('poll-index'), scheduleSchema, logger, 'poll index');
      await indexes.set('g1', { channelId: 'c1', time: '09:00' });
      await raw.set('poll-index', 'g2', 'not json at all');
      await store.namespace('poll-index').set('g3', { channelId: 42 });
      await raw.set('poll-index', 'g4', '{"unrelated":true}'); // JSON, but not a stored record
      await indexes.set('g5', { channelId: 'c5', time: '11:00' });
      warn.mockClear();

      const listed: Array<[string, unknown]> = [];
      for await (const entry of indexes.entries()) listed.push(entry);
      expect(listed.sort()).toEqual([
        ['g1', { channelId: 'c1', time: '09:00' }],
        ['g5', { channelId: 'c5', time: '11:00' }],
      ]);
      expect(warn).toHaveBeenCalledTimes(3);
      const aside = (await quarantined('poll-index')) as Array<{ key: string; raw: string; reason: string }>;
      expect(aside.map((record) => record.key).sort()).toEqual(['g2', 'g3', 'g4']);
      expect(aside.find((record) => record.key === 'g3')).toMatchObject({ raw: '{"channelId":42}', reason: expect.stringMatching(/^fails its schema: channelId/) });
      expect(aside.find((record) => record.key === 'g4')).toMatchObject({ raw: '{"unrelated":true}', reason: 'not a stored record' });
      for (const key of ['g2', 'g3', 'g4']) expect(await raw.get('poll-index', key)).toBeUndefined();

      // Set aside once: the next listing has nothing more to warn about.
      warn.mockClear();
      for await (const entry of indexes.entries()) void entry;
      expect(warn).not.toHaveBeenCalled();
    });
  });
}
