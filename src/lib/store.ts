import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';

/** The records of one kind (settings, polls, …): keys are unique within a namespace. */
export interface Namespace {
  readonly name: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every live record of this namespace only, with the keys as they were set. */
  entries(): AsyncGenerator<[string, unknown]>;
}

/**
 * The bot's state on one backend picked by STORE_URL's scheme, through one connection
 * (one pool for PostgreSQL) that every namespace and claim shares, plus `claim`, the one
 * write that must be atomic across processes.
 */
export interface Store {
  readonly url: string;
  namespace(name: string): Namespace;
  /** Writes `key` only if nobody has; true when this caller won the claim. */
  claim(key: string, owner: string): Promise<boolean>;
  /** Gives a claim up again, so that a failed attempt can be retried. */
  release(key: string, owner: string): Promise<void>;
  /** One read, to tell whether the backend answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Called with every error the backend reports, e.g. to count them. */
  onError?: (error: unknown) => void;
}

/** The one adapter of a store, with what differs between backends. */
interface Backend {
  adapter: KeyvSqlite | KeyvPostgres | KeyvRedis<string>;
  /** Where a namespace's record lives: the keys one Keyv per namespace wrote before, so existing data stays readable. */
  keyOf(name: string, key: string): string;
  claim(key: string, owner: string): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
  disconnect(): Promise<void>;
}

function redisBackend(url: string): Backend {
  const adapter = new KeyvRedis<string>(url);
  return {
    adapter,
    // A namespaced Keyv prefixed `name:`, and @keyv/redis then added its own `name::`.
    keyOf: (name, key) => adapter.createKeyPrefix(`${name}:${key}`, name),
    async claim(key, owner) {
      const client = await adapter.getClient();
      return (await client.set(`claim:${key}`, owner, { NX: true })) === 'OK';
    },
    async release(key, owner) {
      const client = await adapter.getClient();
      if ((await client.get(`claim:${key}`)) === owner) await client.del(`claim:${key}`);
    },
    disconnect: () => adapter.disconnect(),
  };
}

const CLAIMS_TABLE = 'marginalia_claims';

const CLAIM_SQL = {
  sqlite: {
    insert: `INSERT OR IGNORE INTO ${CLAIMS_TABLE} (key, owner) VALUES (?, ?)`,
    owner: `SELECT owner FROM ${CLAIMS_TABLE} WHERE key = ?`,
    release: `DELETE FROM ${CLAIMS_TABLE} WHERE key = ? AND owner = ?`,
  },
  postgres: {
    insert: `INSERT INTO ${CLAIMS_TABLE} (key, owner) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
    owner: `SELECT owner FROM ${CLAIMS_TABLE} WHERE key = $1`,
    release: `DELETE FROM ${CLAIMS_TABLE} WHERE key = $1 AND owner = $2`,
  },
};

function sqlBackend(dialect: 'sqlite' | 'postgres', url: string): Backend {
  let adapter: KeyvSqlite | KeyvPostgres;
  if (dialect === 'sqlite') {
    const file = url.replace(/^sqlite:\/\//, '');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Other processes share the file; wait for their writes rather than fail.
    adapter = new KeyvSqlite({ uri: url, busyTimeout: 10_000 });
  } else {
    adapter = new KeyvPostgres({ uri: url });
  }
  // The adapters' types are loose here, and only here: both type their public `query` as returning `any`
  // (the driver's rows), and @keyv/sqlite its parameters as spread, though sqlite3 takes one array as pg does.
  const query = async (text: string, params: string[]): Promise<Array<{ owner: string }>> => adapter.query(text, params);

  const statements = CLAIM_SQL[dialect];
  let claimsReady: Promise<void> | undefined;
  const claims = async (text: string, params: string[]) => {
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

  return {
    adapter,
    keyOf: (name, key) => `${name}:${key}`,
    async claim(key, owner) {
      await claims(statements.insert, [key, owner]);
      const rows = await claims(statements.owner, [key]);
      return rows[0]?.owner === owner;
    },
    async release(key, owner) {
      await claims(statements.release, [key, owner]);
    },
    async disconnect() {
      // @keyv/postgres keeps one pool per process: another store of this process may have ended it.
      await adapter.disconnect().catch((error: Error) => {
        if (!/end on pool more than once/.test(error.message)) throw error;
      });
    },
  };
}

function backendFor(url: string): Backend {
  if (url.startsWith('sqlite:')) return sqlBackend('sqlite', url);
  if (url.startsWith('redis:') || url.startsWith('rediss:')) return redisBackend(url);
  return sqlBackend('postgres', url);
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  // Opened on first use, as a store that is never read needs no connection.
  let opened: { backend: Backend; keyv: Keyv } | undefined;
  let closing: Promise<void> | undefined;
  const open = () => {
    if (!opened) {
      const backend = backendFor(url);
      // No Keyv namespace: Keyv would write it onto the shared adapter, so each Namespace keys its own records.
      // A failed read must fail loudly: Keyv's default turns it into "not found".
      const keyv = new Keyv({ store: backend.adapter, namespace: undefined, throwOnErrors: true });
      if (options.onError) keyv.on('error', options.onError);
      opened = { backend, keyv };
    }
    return opened;
  };

  const namespace = (name: string): Namespace => {
    const keyOf = (key: string) => open().backend.keyOf(name, key);
    return {
      name,
      async get(key) {
        return open().keyv.get(keyOf(key));
      },
      async set(key, value, ttlMs) {
        await open().keyv.set(keyOf(key), value, ttlMs);
      },
      async delete(key) {
        await open().keyv.delete(keyOf(key));
      },
      async *entries() {
        const { backend, keyv } = open();
        // Every adapter lists `name:key` for `iterator(name)`; SQL's LIKE also matches other cases and `_`, hence the check.
        const prefix = `${name}:`;
        // Read in full before yielding: a caller deleting as it goes would make SQLite's paging by offset skip records.
        const listed: Array<[string, string]> = [];
        for await (const [key, raw] of backend.adapter.iterator(name)) {
          if (typeof key === 'string' && key.startsWith(prefix) && typeof raw === 'string') listed.push([key.slice(prefix.length), raw]);
        }
        for (const [key, raw] of listed) {
          const data = await keyv.deserializeData<unknown>(raw);
          if (typeof data?.expires === 'number' && data.expires < Date.now()) await keyv.delete(keyOf(key));
          else if (data) yield [key, data.value];
        }
      },
    };
  };

  return {
    url,
    namespace,
    claim: (key, owner) => open().backend.claim(key, owner),
    release: (key, owner) => open().backend.release(key, owner),
    async ping() {
      await namespace('health').get('ping');
    },
    close() {
      closing ??= opened ? opened.backend.disconnect() : Promise.resolve();
      return closing;
    },
  };
}
