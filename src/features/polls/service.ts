import { UserError } from '../../lib/errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/ops/metrics.js';
import type { Store } from '../../lib/store.js';
import type { Library } from '../../library/library.js';
import { createBatcher } from './batches.js';
import { systemClock, type Clock } from './clock.js';
import { createDeadlines } from './deadlines.js';
import { createEditCoalescer, EDIT_INTERVAL_MS } from './edit-coalescer.js';
import { parsePollInput, type RawPollInput } from './input.js';
import { PASSAGE_OPTIONS, PASSAGE_QUESTION, quotePassage, type PassageQuote } from './passage-poll.js';
import { applyVotes, isOpen, newPollId, type Click, type Poll, type Vote } from './poll.js';
import { createPollStore, type PollIndexEntry } from './store.js';
import { closingTarget } from './target.js';

/** What the poll service needs from Discord once a poll is posted; the bot gives it `discordHost(client)`. */
export interface PollHost {
  /** True for the servers this process (shard) serves. */
  holds(guildId: string): boolean;
  /** Shows the poll as it is now on its message. */
  show(poll: Poll & { messageId: string }): Promise<void>;
  /** Posts the final results in reply to the poll's message. */
  announce(poll: Poll & { messageId: string }): Promise<void>;
}

interface PollPlace {
  guildId: string;
  channelId: string;
  creatorId: string;
}

/** Posts the new poll's message (e.g. as the reply to the command) and gives back the message's id. */
export type PostPoll = (poll: Poll) => Promise<{ id: string }>;

/** A counted click: the voter's answers before and after it, on the poll as it is now. */
export interface CountedVote {
  poll: Poll;
  vote: Vote;
}

interface CloseRequest {
  guildId: string;
  channelId: string;
  userId: string;
  /** From `interaction.memberPermissions`. */
  canManageMessages: boolean;
  /** A poll id or message link; the newest open poll of the channel when absent. */
  poll?: string | undefined;
}

interface PollServiceDeps {
  store: Store;
  logger: Logger;
  /** `/poll passage` quotes the server's articles. */
  library: Library;
  host: PollHost;
  clock?: Clock;
  editIntervalMs?: number;
  /** Counts the votes recorded. */
  metrics?: Pick<Metrics, 'votes'>;
}

const GONE = 'This poll is no longer stored (it closed long ago, or the server’s data was cleared)';

export function createPollService({ store, logger, library, host, clock = systemClock, editIntervalMs = EDIT_INTERVAL_MS, metrics }: PollServiceDeps) {
  const polls = createPollStore(store, logger, clock.now);
  // Every change to one poll (votes, close, delete) runs in this queue, in order.
  const queue = createKeyedQueue();
  // Messages are edited and results posted only between start and stop.
  let started = false;

  const edits = createEditCoalescer(
    async (pollId) => {
      const poll = await polls.get(pollId);
      if (!started || !poll?.messageId) return;
      await host.show({ ...poll, messageId: poll.messageId }).catch((error: unknown) => {
        logger.warn({ err: error, pollId }, 'poll message could not be edited');
      });
    },
    clock,
    editIntervalMs,
  );

  const votes = createBatcher<Click, CountedVote>(queue, async (pollId, clicks) => {
    const poll = await polls.get(pollId);
    if (!poll) return clicks.map(() => new UserError(`${GONE}, so your vote was not counted.`));
    if (!isOpen(poll, clock.now())) {
      const closed = new UserError('This poll is closed, so the vote was not counted; its final results are on the poll message.');
      return clicks.map(() => closed);
    }
    const result = applyVotes(poll, clicks);
    await polls.save(result.poll);
    edits.request(pollId);
    return result.votes.map((vote) => (vote ? { poll: result.poll, vote } : new UserError('That answer is not part of this poll.')));
  });

  /** Closes a poll once: final results on its message, buttons disabled, a short reply with the winner. */
  const finish = async (pollId: string): Promise<Poll | undefined> => {
    const closed = await queue.run(pollId, async () => {
      const poll = await polls.get(pollId);
      if (!poll || poll.closedAt !== null) return undefined;
      const closedPoll: Poll = { ...poll, closedAt: Math.min(clock.now(), poll.closesAt) };
      await polls.save(closedPoll);
      return closedPoll;
    });
    if (!closed) return undefined;
    deadlines.delete(pollId);
    await polls.track(closed);
    await edits.finish(pollId);
    if (started && closed.messageId) {
      await host.announce({ ...closed, messageId: closed.messageId }).catch((error: unknown) => {
        logger.warn({ err: error, pollId }, 'poll results could not be posted');
      });
    }
    logger.info({ pollId, guildId: closed.guildId }, 'poll closed');
    return closed;
  };

  const finishAll = (pollIds: string[]) =>
    Promise.all(
      pollIds.map((pollId) =>
        finish(pollId).catch((error: unknown) => {
          logger.error({ err: error, pollId }, 'poll could not be closed');
        }),
      ),
    );

  const deadlines = createDeadlines(clock, (due) => void finishAll(due));

  /** Watches open polls: those already due are closed now, the others at their deadline. */
  const watch = async (open: PollIndexEntry[]) => {
    const now = clock.now();
    for (const entry of open) if (entry.closesAt > now) deadlines.set(entry.id, entry.closesAt);
    await finishAll(open.filter((entry) => entry.closesAt <= now).map((entry) => entry.id));
  };

  const create = async (place: PollPlace, raw: RawPollInput, post: PostPoll, passage?: PassageQuote): Promise<Poll> => {
    const input = parsePollInput(raw);
    const now = clock.now();
    const draft: Poll = {
      id: newPollId(),
      ...place,
      messageId: null,
      question: input.question,
      options: input.options,
      multiple: input.multiple,
      anonymous: input.anonymous,
      ...(passage ? { passage } : {}),
      createdAt: now,
      closesAt: now + input.duration,
      closedAt: null,
      votes: {},
    };
    // Saved before the message is posted, so that a click arriving at once finds the poll;
    // the message id is added afterwards, in the poll's queue so no vote in between is lost.
    await polls.save(draft);
    let message: { id: string };
    try {
      message = await post(draft);
    } catch (error) {
      await polls.delete(draft.id);
      throw error;
    }
    const poll = await queue.run(draft.id, async () => {
      const withMessage: Poll = { ...((await polls.get(draft.id)) ?? draft), messageId: message.id };
      await polls.save(withMessage);
      return withMessage;
    });
    if (Object.keys(poll.votes).length > 0) edits.request(poll.id);
    await polls.track(poll);
    deadlines.set(poll.id, poll.closesAt);
    logger.info({ pollId: poll.id, guildId: poll.guildId }, 'poll created');
    return poll;
  };

  return {
    create,

    /** `/poll passage`: agree / disagree / unsure on a quoted passage. */
    async createForPassage(place: PollPlace, ref: string, duration: string | undefined, post: PostPoll): Promise<Poll> {
      const { corpus } = await library.forGuild(place.guildId);
      const passage = quotePassage(corpus, ref);
      return create(place, { question: PASSAGE_QUESTION, options: PASSAGE_OPTIONS, duration }, post, passage);
    },

    /** A click on an answer button; resolves to what was recorded, for the voter's private confirmation. */
    async vote(pollId: string, option: number, userId: string): Promise<CountedVote> {
      const counted = await votes.submit(pollId, { userId, option });
      metrics?.votes.inc();
      return counted;
    },

    async close(request: CloseRequest): Promise<Poll> {
      const entry = closingTarget(await polls.pollsOf(request.guildId), request.channelId, request.poll);
      const poll = await polls.get(entry.id);
      if (!poll) throw new UserError(`${GONE}.`);
      if (poll.creatorId !== request.userId && !request.canManageMessages) {
        throw new UserError(`Only the person who started this poll (<@${poll.creatorId}>) or someone with Manage Messages can close it.`);
      }
      const closed = await finish(poll.id);
      if (!closed) throw new UserError('That poll is already closed.');
      return closed;
    },

    /** Once Discord is ready: closes the polls that came due meanwhile and watches the others. */
    async start(): Promise<void> {
      started = true;
      const open: PollIndexEntry[] = [];
      for await (const { guildId, entry } of polls.openPolls()) if (host.holds(guildId)) open.push(entry);
      await watch(open);
      logger.info({ open: deadlines.size }, 'polls watched');
    },

    /** A server that became available after start-up (guildCreate). */
    async loadGuild(guildId: string): Promise<void> {
      await watch((await polls.pollsOf(guildId)).filter((entry) => entry.closedAt === null));
    },

    async forgetGuild(guildId: string): Promise<void> {
      const ids = await polls.forgetGuild(guildId);
      for (const pollId of ids) {
        deadlines.delete(pollId);
        edits.forget(pollId);
      }
      // Deleted again behind any batch of votes in flight, so that none writes a poll back.
      await Promise.all(ids.map((pollId) => queue.run(pollId, () => polls.delete(pollId))));
    },

    async stop(): Promise<void> {
      deadlines.stop();
      await queue.idle();
      await edits.flush();
      started = false;
    },
  };
}

export type PollService = ReturnType<typeof createPollService>;
