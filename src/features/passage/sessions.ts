import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';

/**
 * A search whose result pages are still browsable. Buttons carry only the
 * session id: a query can be far longer than a 100-character custom id.
 */
const sessionSchema = z.strictObject({
  guildId: z.string(),
  ownerId: z.string(),
  query: z.string().min(1).max(500),
  articleId: z.string().optional(),
});

type SearchSession = z.output<typeof sessionSchema>;
export type SearchSessions = ReturnType<typeof createSearchSessions>;

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export function createSearchSessions(store: Store, logger: Logger) {
  const records = recordStore(store.namespace('searches'), sessionSchema, logger, 'search session');
  return {
    async open(session: SearchSession): Promise<string> {
      const id = randomBytes(6).toString('base64url');
      await records.set(id, session, SESSION_TTL_MS);
      return id;
    },
    /** A session of this server only: a forged button naming another server's search finds nothing. */
    async get(guildId: string, id: string): Promise<SearchSession | undefined> {
      const session = await records.get(id);
      return session?.guildId === guildId ? session : undefined;
    },
    /** The bot was removed from a server: its members' queries go now, not when they expire. */
    async forgetGuild(guildId: string): Promise<void> {
      for await (const [id, session] of records.entries()) if (session.guildId === guildId) await records.delete(id);
    },
  };
}
