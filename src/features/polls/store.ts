import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import { pollSchema, type Poll } from './poll.js';

/** How long a closed poll is kept, so late clicks get a clear answer and results can be looked up. */
const CLOSED_POLL_RETENTION_MS = 30 * 86_400_000;

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

  return {
    get(pollId: string): Promise<Poll | undefined> {
      return polls.get(pollId);
    },
    /** Writes the poll; a closed one expires after the retention time. */
    async save(poll: Poll): Promise<void> {
      const ttl = poll.closedAt === null ? undefined : Math.max(1, poll.closedAt + CLOSED_POLL_RETENTION_MS - now());
      await polls.set(poll.id, poll, ttl);
    },
    delete(pollId: string): Promise<void> {
      return polls.delete(pollId);
    },
    /** Records the poll's message, deadline and state in its server's index. */
    track(poll: Poll): Promise<void> {
      return queue.run(poll.guildId, async () => {
        const keep = (entry: PollIndexEntry) =>
          entry.id !== poll.id && (entry.closedAt === null || entry.closedAt + CLOSED_POLL_RETENTION_MS > now());
        const entry = entrySchema.parse(poll);
        await indexes.set(poll.guildId, { polls: [...(await entriesOf(poll.guildId)).filter(keep), entry] });
      });
    },
    /** The server's polls, oldest first. */
    pollsOf(guildId: string): Promise<PollIndexEntry[]> {
      return entriesOf(guildId);
    },
    /** Every open poll of every server, for start-up. */
    async *openPolls(): AsyncGenerator<{ guildId: string; entry: PollIndexEntry }> {
      for await (const [guildId, index] of indexes.entries()) {
        for (const entry of index.polls) if (entry.closedAt === null) yield { guildId, entry };
      }
    },
    /** Deletes a server's polls and index; returns the ids that were deleted. */
    forgetGuild(guildId: string): Promise<string[]> {
      return queue.run(guildId, async () => {
        const ids = (await entriesOf(guildId)).map((entry) => entry.id);
        await Promise.all(ids.map((id) => polls.delete(id)));
        await indexes.delete(guildId);
        return ids;
      });
    },
  };
}
