import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';

/**
 * The store's rows as the backend holds them, under the store's own key layout, written
 * and read past Keyv: for a hand-edited or truncated record, or to see that a row is gone.
 */
export interface RawStore {
  get(namespace: string, key: string): Promise<string | undefined>;
  set(namespace: string, key: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export function rawStore(url: string): RawStore {
  if (url.startsWith('redis:')) {
    const adapter = new KeyvRedis<string>(url, { throwOnErrors: true });
    // As the store keys them: `name::name:key` (see redisBackend).
    const keyOf = (namespace: string, key: string) => `${namespace}::${namespace}:${key}`;
    return {
      get: async (namespace, key) => adapter.get(keyOf(namespace, key)),
      set: (namespace, key, text) => adapter.set(keyOf(namespace, key), text),
      close: () => adapter.disconnect(),
    };
  }
  const sqlite = url.startsWith('sqlite:');
  const adapter = sqlite ? new KeyvSqlite({ uri: url }) : new KeyvPostgres({ uri: url });
  return {
    get: async (namespace, key) => (await adapter.get(`${namespace}:${key}`)) as string | undefined,
    set: async (namespace, key, text) => {
      await adapter.set(`${namespace}:${key}`, text);
    },
    // @keyv/postgres's pool is the process's one, shared with the stores: the stores close it.
    close: async () => (sqlite ? adapter.disconnect() : undefined),
  };
}

/** Keys of the live records (not the quarantine) of a SQLite store whose key or value names this server. */
export async function sqliteKeysNaming(url: string, guildId: string): Promise<string[]> {
  const db = new KeyvSqlite(url);
  try {
    const rows = (await db.query('SELECT key FROM keyv WHERE (key LIKE ? OR value LIKE ?) AND key NOT LIKE ? ORDER BY key', `%${guildId}%`, `%${guildId}%`, 'quarantine:%')) as Array<{ key: string }>;
    return rows.map((row) => row.key);
  } finally {
    await db.disconnect();
  }
}
