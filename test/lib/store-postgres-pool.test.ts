import KeyvPostgres from '@keyv/postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/lib/store.js';
import { hasBinary, serversRequired, startPostgres, type TestServer } from '../helpers/servers.js';

/**
 * What a PostgreSQL restart (or failover, or an administrator) does to every connection: the
 * server ends it with FATAL 57P01. Here the server stays up, so the store can be seen to go on.
 * Sent through the process's one @keyv/postgres pool, which the store shares: every other connection of it ends.
 */
async function terminateOtherConnections(url: string): Promise<number> {
  const [row] = (await new KeyvPostgres({ uri: url }).query(
    "SELECT count(pg_terminate_backend(pid)) AS ended FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
  )) as Array<{ ended: string }>;
  return Number(row?.ended);
}

describe.skipIf(!hasBinary('postgres') && !serversRequired)('the postgres store when the server ends its connections', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  // Without a listener on @keyv/postgres's pool, the idle connection's error would be thrown out of
  // the socket's handler: the process would end (here vitest would report an unhandled error).
  it('GIVEN idle pooled connections closed by the server THEN the process goes on and calls work again on new connections', async () => {
    const store = openStore(server.url);
    try {
      // PostgreSQL listens a moment before it takes queries ("the database system is starting up").
      await vi.waitFor(() => store.ping(), { timeout: 20_000, interval: 200 });
      await store.namespace('settings').set('g1', { a: 1 });
      // Several connections, left idle in the pool.
      await Promise.all(Array.from({ length: 5 }, (_, index) => store.namespace('settings').get(`g${index}`)));
      expect(await terminateOtherConnections(server.url)).toBeGreaterThan(0);
      // Only the connection that sent the query is left, and the pool has heard of the others' end.
      await expect.poll(() => server.connections(), { timeout: 5_000 }).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200));

      // A call racing the news of the closed connection may fail (StoreUnavailable, "try again"); the next ones work.
      await vi.waitFor(async () => expect(await store.namespace('settings').get('g1')).toEqual({ a: 1 }), { timeout: 5_000, interval: 100 });
      await store.namespace('settings').set('g2', { a: 2 });
      expect(await store.namespace('settings').get('g2')).toEqual({ a: 2 });
    } finally {
      await store.close();
    }
  }, 30_000);
});
