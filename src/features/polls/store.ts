import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import { pollSchema, type Poll } from './poll.js';

/**
 * How long a closed poll (its question and counts) is kept, so late clicks get a clear answer
 * and `/poll close` finds it; then the service's sweep deletes it and releases its close claim.
 */
export const CLOSED_POLL_RETENTION_MS = 30 * 86_400_000;
/** The store's own expiry comes this much later: a backstop should the bot not run to sweep. */
const EXPIRY_BACKSTOP_MS = 7 * 86_400_000;

const entrySchema = pollSchema.pick({ id: true, channelId: true, messageId: true, createdAt: true, closesAt: true, closedAt: true });
export type PollIndexEntry = z.output<typeof entrySchema>;
const indexSchema = z.object({ polls: z.array(entrySchema) });

/**
 * Polls in the store: each poll under its id in the `polls` namespace, and per
 * server an index of its polls in `poll-index`, to find the newest open poll of
 * a channel, the polls to close on start-up, and what to delete with a server.
 */
export function createPollStore(store: Store, logger: Logger, now: () => number = Date.now) {
  const polls = recordStore(store.namespace('polls'), pollSchema, logger, 'poll');
  const indexes = recordStore(store.namespace('poll-index'), indexSchema, logger, 'poll index');
  // An index is read, changed and written back: one change at a time per server.
  const queue = createKeyedQueue();

  const entriesOf = async (guildId: string) => (await indexes.get(guildId))?.polls ?? [];
  const kept = (entry: PollIndexEntry) => entry.closedAt === null || entry.closedAt + CLOSED_POLL_RETENTION_MS > now();
  /** Changes a server's index, written only when it changed, deleted when empty. */
  const rewrite = (guildId: string, change: (entries: PollIndexEntry[]) => PollIndexEntry[]) =>
    queue.run(guildId, async () => {
      const before = await entriesOf(guildId);
      const after = change(before);
      if (after.length === 0) {
        if (before.length > 0) await indexes.delete(guildId);
      } else if (JSON.stringify(after) !== JSON.stringify(before)) {
        await indexes.set(guildId, { polls: after });
      }
    });

  return {
    get(pollId: string): Promise<Poll | undefined> {
      return polls.get(pollId);
    },
    /** Writes the poll; a closed one also expires in the store a while after its retention. */
    async save(poll: Poll): Promise<void> {
      const ttl = poll.closedAt === null ? undefined : Math.max(1, poll.closedAt + CLOSED_POLL_RETENTION_MS + EXPIRY_BACKSTOP_MS - now());
      await polls.set(poll.id, poll, ttl);
    },
    /** Every stored poll, for the sweep. */
    all(): AsyncGenerator<[string, Poll]> {
      return polls.entries();
    },
    delete(pollId: string): Promise<void> {
      return polls.delete(pollId);
    },
    /** Records the poll's message, deadline and state in its server's index. */
    track(poll: Poll): Promise<void> {
      const entry = entrySchema.parse(poll);
      return rewrite(poll.guildId, (entries) => [...entries.filter((other) => other.id !== poll.id && kept(other)), entry]);
    },
    /** Drops a poll from its server's index (its record is gone). */
    untrack(guildId: string, pollId: string): Promise<void> {
      return rewrite(guildId, (entries) => entries.filter((entry) => entry.id !== pollId));
    },
    /** Drops the entries of polls closed longer ago than the retention time. */
    prune(guildId: string): Promise<void> {
      return rewrite(guildId, (entries) => entries.filter(kept));
    },
    /** The guilds that have an index, for the sweep. */
    async *guilds(): AsyncGenerator<string> {
      for await (const [guildId] of indexes.entries()) yield guildId;
    },
    /** The server's polls, oldest first. */
    pollsOf(guildId: string): Promise<PollIndexEntry[]> {
      return entriesOf(guildId);
    },
    /** Every open poll of the servers `holds` takes, for start-up; the other servers' indexes are not read. */
    async *openPolls(holds: (guildId: string) => boolean): AsyncGenerator<{ guildId: string; entry: PollIndexEntry }> {
      for await (const [guildId, index] of indexes.entries(holds)) {
        for (const entry of index.polls) if (entry.closedAt === null) yield { guildId, entry };
      }
    },
    /** Deletes a server's polls and index; returns the ids that were deleted and the close claims they held. */
    forgetGuild(guildId: string): Promise<{ ids: string[]; claims: Array<NonNullable<Poll['closeClaim']>> }> {
      return queue.run(guildId, async () => {
        const ids = (await entriesOf(guildId)).map((entry) => entry.id);
        const claims = await Promise.all(
          ids.map(async (id) => {
            const claim = (await polls.get(id))?.closeClaim;
            await polls.delete(id);
            return claim;
          }),
        );
        await indexes.delete(guildId);
        return { ids, claims: claims.filter((claim) => claim !== undefined) };
      });
    },
  };
}
