import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';

/**
 * The bot's state: Keyv namespaces on one backend picked by STORE_URL's scheme,
 * plus `claim`, the one write that must be atomic across processes.
 */
export interface Store {
  readonly url: string;
  namespace(name: string): Keyv;
  /** Writes `key` only if nobody has; true when this caller won the claim. */
  claim(key: string, owner: string): Promise<boolean>;
  /** Gives a claim up again, so that a failed attempt can be retried. */
  release(key: string, owner: string): Promise<void>;
  /** One read, to tell whether the backend answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Called with every error a namespace's backend reports, e.g. to count them. */
  onError?: (error: unknown) => void;
}

type Backend = 'sqlite' | 'redis' | 'postgres';

function backendOf(url: string): Backend {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('redis:') || url.startsWith('rediss:')) return 'redis';
  return 'postgres';
}

function createAdapter(backend: Backend, url: string): KeyvStoreAdapter {
  if (backend === 'sqlite') {
    const file = url.replace(/^sqlite:\/\//, '');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Several namespaces share the file; wait for each other's writes rather than fail.
    return new KeyvSqlite({ uri: url, busyTimeout: 10_000 }) as unknown as KeyvStoreAdapter;
  }
  if (backend === 'redis') return new KeyvRedis(url) as unknown as KeyvStoreAdapter;
  return new KeyvPostgres({ uri: url }) as unknown as KeyvStoreAdapter;
}

const CLAIMS_TABLE = 'marginalia_claims';

export function openStore(url: string, options: StoreOptions = {}): Store {
  const backend = backendOf(url);
  const namespaces = new Map<string, Keyv>();
  // Claims use the first adapter's connection, so they need no extra setup.
  let claimAdapter: KeyvStoreAdapter | undefined;
  let claimsReady: Promise<void> | undefined;

  const adapterForClaims = (): KeyvStoreAdapter => {
    claimAdapter ??= createAdapter(backend, url);
    return claimAdapter;
  };

  const sql = async (text: string, ...params: unknown[]): Promise<Array<{ owner: string }>> => {
    const adapter = adapterForClaims() as unknown as { query: (q: string, ...p: unknown[]) => Promise<Array<{ owner: string }>> };
    // @keyv/sqlite takes parameters spread, @keyv/postgres as one array.
    const query = (q: string, values: unknown[]) => (backend === 'sqlite' ? adapter.query(q, ...values) : adapter.query(q, values));
    // Two processes creating the table at once make PostgreSQL report a duplicate (23505, 42P07, 42710): it exists.
    claimsReady ??= query(`CREATE TABLE IF NOT EXISTS ${CLAIMS_TABLE} (key VARCHAR(255) PRIMARY KEY, owner TEXT NOT NULL)`, []).then(
      () => undefined,
      (error: { code?: string }) => {
        if (!['23505', '42P07', '42710'].includes(error.code ?? '')) throw error;
      },
    );
    await claimsReady;
    return query(text, params);
  };

  const redis = () => (adapterForClaims() as unknown as KeyvRedis<unknown>).getClient();

  const namespace = (name: string): Keyv => {
    let keyv = namespaces.get(name);
    if (!keyv) {
      // A failed read must fail loudly: Keyv's default turns it into "not found".
      keyv = new Keyv({ store: createAdapter(backend, url), namespace: name, throwOnErrors: true });
      if (options.onError) keyv.on('error', options.onError);
      namespaces.set(name, keyv);
    }
    return keyv;
  };

  return {
    url,
    namespace,
    async claim(key, owner) {
      if (backend === 'redis') {
        const client = await redis();
        return (await client.set(`claim:${key}`, owner, { NX: true })) === 'OK';
      }
      const insert =
        backend === 'sqlite'
          ? `INSERT OR IGNORE INTO ${CLAIMS_TABLE} (key, owner) VALUES (?, ?)`
          : `INSERT INTO ${CLAIMS_TABLE} (key, owner) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`;
      await sql(insert, key, owner);
      const select = `SELECT owner FROM ${CLAIMS_TABLE} WHERE key = ${backend === 'sqlite' ? '?' : '$1'}`;
      const rows = await sql(select, key);
      return rows[0]?.owner === owner;
    },
    async release(key, owner) {
      if (backend === 'redis') {
        const client = await redis();
        if ((await client.get(`claim:${key}`)) === owner) await client.del(`claim:${key}`);
        return;
      }
      const placeholders = backend === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
      await sql(`DELETE FROM ${CLAIMS_TABLE} WHERE key = ${placeholders[0]} AND owner = ${placeholders[1]}`, key, owner);
    },
    async ping() {
      await namespace('health').get('ping');
    },
    async close() {
      const adapters = [...namespaces.values()].map((keyv) => keyv.store as KeyvStoreAdapter);
      if (claimAdapter) adapters.push(claimAdapter);
      namespaces.clear();
      claimAdapter = undefined;
      // @keyv/postgres shares one pool per process: ending it once closes every adapter.
      // Another Store of this process may have ended that pool already.
      const toClose = backend === 'postgres' ? adapters.slice(0, 1) : adapters;
      await Promise.all(
        toClose.map((adapter) =>
          adapter.disconnect?.().catch((error: Error) => {
            if (!/end on pool more than once/.test(error.message)) throw error;
          }),
        ),
      );
    },
  };
}
