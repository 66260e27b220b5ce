import type { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis, { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from './logger.js';

/**
 * The store refused a call (Redis stopped, SQLite unwritable, PostgreSQL unreachable) or did
 * not answer within CALL_MS: the member is told to try again in a minute. A refused call is
 * not kept to be sent later (see redisBackend); a Redis command that timed out on a server that
 * is only slow can still land, which no client can take back.
 */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}

/** A stored value that is not a record (not JSON, or not Keyv's envelope): its text, for records.ts to set aside. */
export class UnreadableValue {
  constructor(
    readonly raw: string,
    readonly reason: string,
  ) {}
}

/** The records of one kind (settings, polls, …): keys are unique within a namespace. */
export interface Namespace {
  readonly name: string;
  /** The value, undefined when there is none (or it expired), or an UnreadableValue. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Every live record of this namespace only, with the keys as they were set; an unreadable one as an
   * UnreadableValue. Read a page at a time; a key `keep` refuses is skipped before its value is decoded
   * (a shard process lists every server's keys, and reads only its own servers' records).
   */
  entries(keep?: (key: string) => boolean): AsyncGenerator<[string, unknown]>;
  /** Moves a record that cannot be used into the `quarantine` namespace, with its text and why, for QUARANTINE_MS. */
  setAside(key: string, raw: string, reason: string): Promise<void>;
}

/**
 * The bot's state on one backend picked by STORE_URL's scheme, through one connection
 * (one pool for PostgreSQL) that every namespace and claim shares, plus `claim`, the one
 * write that must be atomic across processes. Every call throws StoreUnavailable when the
 * backend fails or takes longer than CALL_MS.
 */
export interface Store {
  readonly url: string;
  namespace(name: string): Namespace;
  /** Writes `key` only if nobody has; true when this caller won the claim. */
  claim(key: string, owner: string): Promise<boolean>;
  /** Gives a claim up again, so that a failed attempt can be retried. */
  release(key: string, owner: string): Promise<void>;
  /**
   * Takes `key` for `owner` when nobody holds it, or when `abandoned(holder)` says its holder
   * is gone: a compare-and-swap, so of two takers of one abandoned claim only one wins. True
   * when `owner` holds it now.
   */
  takeOver(key: string, owner: string, abandoned: (holder: string) => boolean): Promise<boolean>;
  /** One read, to tell whether the backend answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Called with every failed store call, e.g. to count them. */
  onError?: (error: unknown) => void;
  /** Told once when the store becomes unavailable and once when it answers again. */
  logger?: Logger;
  /** How often expired records are deleted from SQL backends (Redis expires them itself). */
  sweepEveryMs?: number;
}

/**
 * The longest one call to a store over the network may take: above a healthy store at 1.5 s a
 * round trip (SPEC section 9), under the 3 s an interaction has. SQLite is not timed this way:
 * its calls wait in this process's own queue behind a burst (1,000 writes take seconds), and a
 * call given up there would still run later; it fails by itself when the file cannot be written.
 */
const CALL_MS = 2_000;
/** Records listed per round trip: 100,000 records are 20 round trips of a few megabytes. */
const LIST_PAGE = 5_000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** How long a record set aside is kept for someone to look at. */
const QUARANTINE_MS = 30 * 24 * 60 * 60 * 1000;

/** Makes one round trip to the backend, bounded. */
type Step = <T>(work: () => Promise<T>) => Promise<T>;

/** The one adapter of a store, with what differs between backends. */
interface Backend {
  adapter: KeyvSqlite | KeyvPostgres | KeyvRedis<string>;
  /** Where a namespace's record lives: the keys one Keyv per namespace wrote before, so existing data stays readable. */
  keyOf(name: string, key: string): string;
  /**
   * Every record of a namespace as stored, `[key as set, stored text]`, a page of about LIST_PAGE at a time,
   * each round trip made through `step`: one round trip stays within CALL_MS however many records there are.
   * A record written or deleted while the pages are read does not disturb the others.
   */
  list(name: string, step: Step): AsyncGenerator<Array<[string, string]>>;
  claim(key: string, owner: string): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
  /** Who holds a claim, if anyone. */
  holder(key: string): Promise<string | undefined>;
  /** Gives the claim from `from` to `to` only if `from` still holds it; true when `to` holds it. */
  swap(key: string, from: string, to: string): Promise<boolean>;
  /** Resolves once the first attempt to connect has succeeded or failed. */
  ready?(): Promise<void>;
  /** How long one call may take before it counts as failed; none where the backend bounds its own. */
  callMs?: number;
  /** Deletes the records whose time to live has passed, each round trip through `step`; absent where the backend expires them itself. */
  sweep?(now: number, step: Step): Promise<number>;
  /** True once the connection could not be opened at all: the next call opens a new one. */
  broken(): boolean;
  disconnect(): Promise<void>;
}

function redisBackend(url: string): Backend {
  // No offline queue: a command given while the connection is down fails at once instead of
  // waiting to be sent on reconnect, so nothing a member was told failed is applied later.
  // The client keeps reconnecting in the background, backing off to one attempt every 2 s.
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CALL_MS, reconnectStrategy: (attempts: number) => Math.min(100 * 2 ** attempts, 2_000) },
  });
  // @keyv/redis would otherwise report a failed command as "not found" or as written.
  const adapter = new KeyvRedis<string>(client, { throwOnErrors: true, throwOnConnectError: true });
  // Calls wait for the first connection (without the offline queue they would fail while it opens),
  // but not for reconnections: then they fail at once.
  let firstAttempt: Promise<void> | undefined;
  return {
    adapter,
    callMs: CALL_MS,
    ready() {
      if (!client.isOpen) {
        firstAttempt = new Promise((resolve) => {
          const settled = () => {
            client.off('ready', settled).off('error', settled);
            resolve();
          };
          client.on('ready', settled).on('error', settled);
        });
        client.connect().catch(() => undefined); // failures arrive as 'error' events
      }
      return firstAttempt ?? Promise.resolve();
    },
    // A namespaced Keyv prefixed `name:`, and @keyv/redis then added its own `name::`.
    keyOf: (name, key) => adapter.createKeyPrefix(`${name}:${key}`, name),
    // SCAN returns every key that exists throughout, whatever is written or deleted meanwhile.
    async *list(name, step) {
      const prefix = adapter.createKeyPrefix('', name);
      let cursor = '0';
      do {
        const page = await step(() => client.scan(cursor, { MATCH: `${prefix}*`, COUNT: LIST_PAGE, TYPE: 'string' }));
        cursor = String(page.cursor);
        if (page.keys.length === 0) continue;
        const values = await step(() => client.mGet(page.keys));
        const listed: Array<[string, string]> = [];
        page.keys.forEach((key, index) => {
          const raw = values[index];
          // Deleted since the SCAN: gone, not listed.
          if (typeof raw === 'string') listed.push([key.slice(prefix.length), raw]);
        });
        yield listed;
      } while (cursor !== '0');
    },
    async claim(key, owner) {
      const client = await adapter.getClient();
      return (await client.set(`claim:${key}`, owner, { NX: true })) === 'OK';
    },
    async release(key, owner) {
      const client = await adapter.getClient();
      if ((await client.get(`claim:${key}`)) === owner) await client.del(`claim:${key}`);
    },
    async holder(key) {
      const client = await adapter.getClient();
      return (await client.get(`claim:${key}`)) ?? undefined;
    },
    async swap(key, from, to) {
      const client = await adapter.getClient();
      // One script, so that no other client's write comes between the check and the set.
      return (await client.eval(SWAP_SCRIPT, { keys: [`claim:${key}`], arguments: [from, to] })) === 1;
    },
    broken: () => false,
    // QUIT needs a live connection; without one there is nothing to close politely.
    disconnect: () => adapter.disconnect(!client.isReady),
  };
}

const SWAP_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";

/** What PostgreSQL reports when two processes create one table at once (23505, 42P07, 42710): it exists. */
const ALREADY_EXISTS = ['23505', '42P07', '42710'];

const CLAIMS_TABLE = 'marginalia_claims';

const SQL = {
  sqlite: {
    insert: `INSERT OR IGNORE INTO ${CLAIMS_TABLE} (key, owner) VALUES (?, ?)`,
    owner: `SELECT owner FROM ${CLAIMS_TABLE} WHERE key = ?`,
    release: `DELETE FROM ${CLAIMS_TABLE} WHERE key = ? AND owner = ?`,
    swap: `UPDATE ${CLAIMS_TABLE} SET owner = ? WHERE key = ? AND owner = ?`,
    // SQLite compares text bytewise, so the table's own key index serves a prefix range.
    list: 'SELECT key, value FROM keyv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?',
    expiring: `SELECT key, value FROM keyv WHERE value LIKE '%"expires":%'`,
    deleteIfUnchanged: 'DELETE FROM keyv WHERE key = ? AND value = ?',
  },
  postgres: {
    insert: `INSERT INTO ${CLAIMS_TABLE} (key, owner) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
    owner: `SELECT owner FROM ${CLAIMS_TABLE} WHERE key = $1`,
    release: `DELETE FROM ${CLAIMS_TABLE} WHERE key = $1 AND owner = $2`,
    swap: `UPDATE ${CLAIMS_TABLE} SET owner = $1 WHERE key = $2 AND owner = $3`,
    // Under the database's collation (say en_US) `daily:x` need not sort between `daily:` and `daily;`:
    // the prefix range is taken bytewise, along an index of its own ("C" is PostgreSQL's bytewise collation).
    // Built by the first listing (about 0.1 s per 100,000 rows, writes wait meanwhile); on a table of
    // millions of rows that can outlast CALL_MS, and then it is to be created by hand once.
    listIndex: 'CREATE INDEX IF NOT EXISTS keyv_key_bytewise ON public.keyv (key COLLATE "C")',
    list: 'SELECT key, value FROM public.keyv WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2 ORDER BY key COLLATE "C" LIMIT $3',
    expiring: `SELECT key, value FROM public.keyv WHERE value LIKE '%"expires":%'`,
    deleteIfUnchanged: 'DELETE FROM public.keyv WHERE key = $1 AND value = $2',
  },
};

/** When a Keyv envelope says its record expires, if it does. */
function expiresOf(raw: string): number | undefined {
  try {
    const expires = (JSON.parse(raw) as { expires?: unknown }).expires;
    return typeof expires === 'number' ? expires : undefined;
  } catch {
    return undefined; // unreadable records are set aside when read, not swept
  }
}

/**
 * @keyv/postgres makes its pg Pool itself and gives no handle on it, and a Pool without an 'error'
 * listener ends the process when the server closes a connection it keeps idle (a PostgreSQL restart,
 * a failover). pg-pool calls its `log` option as a method of the pool, first before it opens any
 * connection: there the listener goes on. The pool has dropped that connection by then and opens
 * another for the next call, which reports any outage itself.
 */
function listenForPoolErrors(this: EventEmitter): void {
  if (this.listenerCount('error') === 0) this.on('error', () => undefined);
}

function sqlBackend(dialect: 'sqlite' | 'postgres', url: string): Backend {
  let adapter: KeyvSqlite | KeyvPostgres;
  let broken = false;
  if (dialect === 'sqlite') {
    const file = url.replace(/^sqlite:\/\//, '');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Other processes share the file: wait for their writes rather than fail.
    adapter = new KeyvSqlite({ uri: url, busyTimeout: 10_000 });
  } else {
    // Bounded by the driver, so that a call given up is not applied later: waiting for a connection
    // (the pool's queue included) gives up before sending, and the server cancels a statement that runs
    // too long. Only a network that stops answering mid-query is left to the client-side query timeout.
    adapter = new KeyvPostgres({ uri: url, connectionTimeoutMillis: CALL_MS, statement_timeout: CALL_MS, query_timeout: CALL_MS + 1_000, log: listenForPoolErrors });
  }
  // Both report only a failed start this way (opening the file, creating the table), and then keep
  // failing: the next call opens a new adapter.
  // Two processes creating the table at once make PostgreSQL report a duplicate: the table is there.
  adapter.on('error', (error: { code?: string }) => {
    if (!ALREADY_EXISTS.includes(error?.code ?? '')) broken = true;
  });
  // The adapters' types are loose here, and only here: both type their public `query` as returning `any`
  // (the driver's rows), and @keyv/sqlite its parameters as spread, though sqlite3 takes one array as pg does.
  const query = async <Row = { owner: string }>(text: string, params: Array<string | number>): Promise<Row[]> => adapter.query(text, params);

  const statements = SQL[dialect];
  /** Runs `ddl` (CREATE … IF NOT EXISTS) before the first call that needs it, and again after a failure. */
  const once = (ddl: string) => {
    let ready: Promise<void> | undefined;
    return async () => {
      ready ??= query(ddl, []).then(
        () => undefined,
        (error: { code?: string }) => {
          ready = undefined;
          if (!ALREADY_EXISTS.includes(error.code ?? '')) throw error;
        },
      );
      await ready;
    };
  };
  const claimsTable = once(`CREATE TABLE IF NOT EXISTS ${CLAIMS_TABLE} (key VARCHAR(255) PRIMARY KEY, owner TEXT NOT NULL)`);
  const claims = async (text: string, params: string[]) => {
    await claimsTable();
    return query(text, params);
  };
  const listIndex = dialect === 'postgres' ? once(SQL.postgres.listIndex) : async () => undefined;
  // SQLite's default syncs the disk at every step of a write, and a burst of votes queues behind
  // those syncs (a p99 first response of 180 ms with 50 clicks at once). NORMAL syncs at the critical
  // moments only: measured as fast as a write-ahead log here, with the journal unchanged. A killed
  // process loses nothing; SQLite notes a small risk of corruption on a power cut on older file systems.
  const syncLess = once('PRAGMA synchronous = NORMAL');

  return {
    adapter,
    ready: dialect === 'sqlite' ? syncLess : undefined,
    keyOf: (name, key) => `${name}:${key}`,
    // Keyset pages over the bytewise range of keys `name:…` (up to `name;`): each page starts, through the
    // index, at the last key of the one before, so the pages together read the namespace once whatever its
    // size. The start is inclusive (the first page starts at `name:` itself), so that key is skipped when met again.
    async *list(name, step) {
      const prefix = `${name}:`;
      const end = `${name};`;
      let from = prefix;
      for (;;) {
        const rows = await step(async () => {
          await listIndex();
          return query<{ key: string; value: string }>(statements.list, [from, end, LIST_PAGE]);
        });
        const page = rows.filter((row) => row.key !== from || from === prefix).map((row): [string, string] => [row.key, row.value]);
        if (page.length > 0) yield page;
        if (rows.length < LIST_PAGE) return;
        from = rows.at(-1)!.key;
      }
    },
    async claim(key, owner) {
      await claims(statements.insert, [key, owner]);
      const rows = await claims(statements.owner, [key]);
      return rows[0]?.owner === owner;
    },
    async release(key, owner) {
      await claims(statements.release, [key, owner]);
    },
    async holder(key) {
      return (await claims(statements.owner, [key]))[0]?.owner;
    },
    async swap(key, from, to) {
      await claims(statements.swap, [to, key, from]);
      return (await claims(statements.owner, [key]))[0]?.owner === to;
    },
    async sweep(now, step) {
      let swept = 0;
      for (const row of await step(() => query<{ key: string; value: string }>(statements.expiring, []))) {
        const expires = expiresOf(row.value);
        if (expires === undefined || expires >= now) continue;
        // Only if unchanged: another process may have written the key again meanwhile.
        await step(() => query(statements.deleteIfUnchanged, [row.key, row.value]));
        swept += 1;
      }
      return swept;
    },
    broken: () => broken,
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

/** Rejects with StoreUnavailable when `work` fails or takes longer than `ms`. */
async function bounded<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work.catch((error: unknown) => Promise.reject(unavailable(error)));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailable(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    throw unavailable(error);
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(error: unknown): StoreUnavailable {
  return error instanceof StoreUnavailable ? error : new StoreUnavailable((error as Error).message ?? String(error), { cause: error });
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  // Opened on first use, as a store that is never read needs no connection.
  let opened: { backend: Backend; keyv: Keyv; sweeper?: NodeJS.Timeout } | undefined;
  let closing: Promise<void> | undefined;
  const open = () => {
    if (!opened) {
      const backend = backendFor(url);
      // No Keyv namespace: Keyv would write it onto the shared adapter, so each Namespace keys its own records.
      // Failed writes must fail loudly: Keyv's default turns them into a quiet `false`.
      const keyv = new Keyv({ store: backend.adapter, namespace: undefined, throwOnErrors: true });
      opened = { backend, keyv };
      if (backend.sweep) {
        const sweep = backend.sweep.bind(backend);
        opened.sweeper = setInterval(() => {
          sweep(Date.now(), call).catch(() => undefined); // counted and logged by `call`
        }, options.sweepEveryMs ?? SWEEP_EVERY_MS).unref();
      }
    }
    return opened;
  };

  // One warning when the store stops answering and one line when it is back, however many calls fail between.
  let outage: StoreUnavailable | undefined;
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      // Opening the connection is bounded apart: over a slow link its handshake is a round trip of its own.
      const { backend } = open();
      const ready = backend.ready?.();
      if (ready) await bounded(ready, backend.callMs);
      const result = await bounded(Promise.resolve().then(work), backend.callMs);
      if (outage) options.logger?.info({ after: outage.message }, 'store available again');
      outage = undefined;
      return result;
    } catch (error) {
      const failure = error as StoreUnavailable;
      options.onError?.(failure);
      if (!outage) options.logger?.warn({ err: failure.cause ?? failure }, `store unavailable: ${failure.message}`);
      outage = failure;
      if (opened?.backend.broken()) {
        clearInterval(opened.sweeper);
        opened = undefined;
      }
      throw failure;
    }
  };

  /** A stored text as a value: undefined when expired, an UnreadableValue when it is not a record. */
  const decode = async (raw: string): Promise<{ value: unknown; expired: boolean }> => {
    let data: { value?: unknown; expires?: unknown } | undefined;
    try {
      data = await open().keyv.deserializeData(raw);
    } catch (error) {
      return { value: new UnreadableValue(raw, `not JSON: ${(error as Error).message}`), expired: false };
    }
    if (typeof data !== 'object' || data === null || !('value' in data)) return { value: new UnreadableValue(raw, 'not a stored record'), expired: false };
    if (typeof data.expires === 'number' && data.expires < Date.now()) return { value: undefined, expired: true };
    return { value: data.value, expired: false };
  };

  const namespace = (name: string): Namespace => {
    const keyOf = (key: string) => open().backend.keyOf(name, key);
    const remove = (key: string) => call(() => open().keyv.delete(keyOf(key)));
    return {
      name,
      async get(key) {
        const raw: unknown = await call(() => open().backend.adapter.get(keyOf(key)));
        if (typeof raw !== 'string') return undefined;
        const { value, expired } = await decode(raw);
        if (expired) await remove(key);
        return value;
      },
      async set(key, value, ttlMs) {
        await call(() => open().keyv.set(keyOf(key), value, ttlMs));
      },
      async delete(key) {
        await remove(key);
      },
      async *entries(keep = () => true) {
        // Every backend lists `name:key`; the prefix check keeps out any other namespace's keys.
        const prefix = `${name}:`;
        for await (const page of open().backend.list(name, call)) {
          for (const [storedKey, raw] of page) {
            if (!storedKey.startsWith(prefix)) continue;
            const key = storedKey.slice(prefix.length);
            if (!keep(key)) continue;
            const { value, expired } = await decode(raw);
            if (expired) await remove(key);
            else yield [key, value];
          }
        }
      },
      async setAside(key, raw, reason) {
        // Written before the original goes, so that a failure loses nothing.
        await quarantine().set(`${name}:${key}:${Date.now()}`, { namespace: name, key, raw, reason, at: new Date().toISOString() }, QUARANTINE_MS);
        await remove(key);
      },
    };
  };
  const quarantine = () => namespace('quarantine');

  return {
    url,
    namespace,
    claim: (key, owner) => call(() => open().backend.claim(key, owner)),
    release: (key, owner) => call(() => open().backend.release(key, owner)),
    takeOver: (key, owner, abandoned) =>
      call(async () => {
        const { backend } = open();
        if (await backend.claim(key, owner)) return true;
        const holder = await backend.holder(key);
        // Released in between: an ordinary claim again.
        if (holder === undefined) return backend.claim(key, owner);
        return holder === owner || (abandoned(holder) && (await backend.swap(key, holder, owner)));
      }),
    async ping() {
      await namespace('health').get('ping');
    },
    close() {
      if (opened) clearInterval(opened.sweeper);
      closing ??= opened ? opened.backend.disconnect() : Promise.resolve();
      return closing;
    },
  };
}
