import { randomUUID } from 'node:crypto';
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
import type { HistoryService } from '../history/service.js';
import { PASSAGE_OPTIONS, PASSAGE_QUESTION, quotePassage, type PassageQuote } from './passage-poll.js';
import { applyVotes, closePoll, countsOnly, isOpen, newPollId, type Click, type Poll, type Vote } from './poll.js';
import { CLOSED_POLL_RETENTION_MS, createPollStore, type PollIndexEntry } from './store.js';
import { closingTarget } from './target.js';
import { createVoterKeys } from './voter-keys.js';

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

/** The new poll's message, once posted. */
interface PostedPoll {
  id: string;
  /** Takes the message down again, when the poll could not be stored. */
  retract(): Promise<void>;
}

/** Posts the new poll's message (e.g. as the reply to the command). */
export type PostPoll = (poll: Poll) => Promise<PostedPoll>;

/** A click on an answer button, with where it was clicked. */
export interface VoteClick extends Click {
  pollId: string;
  /** The server and message the button was clicked on: a vote counts only on its own poll's message. */
  guildId: string;
  messageId: string;
}

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
  /** Where a `/poll passage` is recorded against its passage, with its final counts once closed. */
  history: Pick<HistoryService, 'recordPoll'>;
  /** A secret the store never holds (the bot token): anonymous polls' voter keys derive from it (see voter-keys.ts). */
  voterSecret: string;
  clock?: Clock;
  editIntervalMs?: number;
  /** Counts the votes recorded. */
  metrics?: Pick<Metrics, 'votes'>;
}

export const UNKNOWN_VOTE_BUTTON = 'This button does not belong to a poll I know.';
const GONE = 'This poll is no longer stored (it closed long ago, the server’s data was cleared, or its record was damaged and set aside)';

/** A process that claimed a poll's close but has not closed it this long after is taken to be gone. */
const CLOSE_TAKEOVER_MS = 60_000;
/** A close that failed (the store unavailable) is tried again after this, doubling up to the cap. */
const CLOSE_RETRY_MS = 30_000;
const CLOSE_RETRY_MAX_MS = 10 * 60_000;
/** Closed polls past their retention are deleted by a sweep this often (the first one soon after start). */
const SWEEP_EVERY_MS = 6 * 3_600_000;
const FIRST_SWEEP_MS = 60_000;
/** Start-up could not list the open polls (the store unavailable): it tries again after this. */
const LOAD_RETRY_MS = 60_000;
/** Open polls checked at once at start-up. */
const RECOVER_AT_ONCE = 100;

type Finish =
  | { kind: 'closed'; poll: Poll }
  | { kind: 'already'; poll: Poll }
  | { kind: 'gone' }
  /** Another process holds this attempt's claim: it is closing the poll. */
  | { kind: 'elsewhere' };

export function createPollService(deps: PollServiceDeps) {
  const { store, logger, library, host, history, clock = systemClock, editIntervalMs = EDIT_INTERVAL_MS, metrics } = deps;
  const polls = createPollStore(store, logger, clock.now);
  const voterKeys = createVoterKeys(deps.voterSecret);
  // Every change to one poll (votes, close, delete) runs in this queue, in order: the vote
  // batches directly, everything else through `change`.
  const queue = createKeyedQueue();
  /**
   * A poll as the last batch of votes saved it, kept only while the next batch already waits
   * behind it: during a burst each batch then costs the store one write instead of a read and a
   * write (under load every store call also waits its turn on the busy event loop, tens to
   * hundreds of milliseconds). Any other change to the poll drops it.
   */
  const savedByVotes = new Map<string, Poll>();
  const change = <T>(pollId: string, task: () => Promise<T>): Promise<T> =>
    queue.run(pollId, () => {
      savedByVotes.delete(pollId);
      return task();
    });
  // Who closes a poll is decided by a claim in the store, so two processes never both close it.
  const owner = randomUUID();
  /** Polls whose close was refused or failed, and how far that got. */
  const closing = new Map<string, { attempt: number; failures: number; claim?: NonNullable<Poll['closeClaim']> }>();
  /** A `/poll passage` in its passage's history: posted with no votes, then closed with its counts. Never fails the poll. */
  const recordPassagePoll = async (poll: Poll): Promise<void> => {
    if (!poll.passage || !poll.messageId) return;
    await history
      .recordPoll(poll.guildId, {
        pollId: poll.id,
        ref: poll.passage.ref,
        title: poll.passage.title,
        channelId: poll.channelId,
        messageId: poll.messageId,
        options: poll.options,
        counts: poll.result?.counts ?? poll.options.map(() => 0),
        voters: poll.result?.voters ?? 0,
        closed: poll.closedAt !== null,
        at: poll.createdAt,
      })
      .catch((error: unknown) => logger.warn({ err: error, pollId: poll.id }, 'passage poll not recorded in the history'));
  };
  // Messages are edited and results posted only between start and stop.
  let started = false;
  const timers = { load: undefined as unknown, sweep: undefined as unknown };

  /** Records that the message now shows `revision`, so that start-up can tell a stale message. */
  const markShown = (pollId: string, revision: number) =>
    change(pollId, async () => {
      const poll = await polls.get(pollId);
      if (poll && poll.shownRevision < revision) await polls.save({ ...poll, shownRevision: revision });
    });

  const edits = createEditCoalescer(
    async (pollId) => {
      try {
        const poll = await polls.get(pollId);
        if (!started || !poll?.messageId) return;
        await host.show({ ...poll, messageId: poll.messageId });
        if (poll.shownRevision < poll.revision) await markShown(pollId, poll.revision);
      } catch (error) {
        logger.warn({ err: error, pollId }, 'poll message could not be edited');
      }
    },
    clock,
    editIntervalMs,
  );

  const votes = createBatcher<VoteClick, CountedVote>(queue, async (pollId, clicks) => {
    const poll = savedByVotes.get(pollId) ?? (await polls.get(pollId));
    savedByVotes.delete(pollId);
    if (!poll) return clicks.map(() => new UserError(`${GONE}, so your vote was not counted.`));
    // A forged or copied button: its poll id names a poll of another message or server.
    const foreign = (click: VoteClick) => click.guildId !== poll.guildId || (poll.messageId !== null && click.messageId !== poll.messageId);
    const refuse = (error: UserError) => clicks.map((click) => (foreign(click) ? new UserError(UNKNOWN_VOTE_BUTTON) : error));
    if (!isOpen(poll, clock.now())) return refuse(new UserError('This poll is closed, so the vote was not counted; its final results are on the poll message.'));
    const keyOf = voterKeys.keyOf(poll);
    if (!keyOf) {
      return refuse(new UserError('This anonymous poll takes no more votes: the bot’s key changed since it started, so it cannot tell who has voted. It closes as planned.'));
    }
    const counted = clicks.filter((click) => !foreign(click));
    const result = applyVotes(poll, counted, keyOf);
    if (result.poll !== poll) {
      await polls.save(result.poll);
      edits.request(pollId);
    }
    if (votes.waiting(pollId)) savedByVotes.set(pollId, result.poll);
    const byClick = new Map(counted.map((click, index) => [click, result.votes[index]]));
    return clicks.map((click) => {
      if (foreign(click)) return new UserError(UNKNOWN_VOTE_BUTTON);
      const vote = byClick.get(click);
      return vote ? { poll: result.poll, vote } : new UserError('That answer is not part of this poll.');
    });
  });

  /**
   * Closes a poll once across every process on the store: the process that wins the close
   * claim stores the counts, edits the message and posts the results. A claim whose owner
   * died before closing is passed over after CLOSE_TAKEOVER_MS by claiming the next attempt.
   */
  const finish = async (pollId: string): Promise<Finish> => {
    const state = closing.get(pollId) ?? { attempt: 1, failures: 0 };
    const outcome = await change(pollId, async (): Promise<Finish> => {
      const poll = await polls.get(pollId);
      if (!poll) return { kind: 'gone' };
      if (poll.closedAt !== null) return { kind: 'already', poll };
      // A claim this process won before a failed write is still its own.
      let claim = state.claim;
      if (!claim) {
        const candidate = { key: `poll-close:${pollId}:${state.attempt}`, owner };
        if (!(await store.claim(candidate.key, candidate.owner))) return { kind: 'elsewhere' };
        claim = candidate;
      }
      const closed = closePoll(poll, Math.min(clock.now(), poll.closesAt), claim);
      try {
        await polls.save(closed);
      } catch (error) {
        closing.set(pollId, { ...state, claim });
        throw error;
      }
      return { kind: 'closed', poll: closed };
    });
    if (outcome.kind === 'elsewhere') {
      closing.set(pollId, { attempt: state.attempt + 1, failures: state.failures });
      deadlines.set(pollId, clock.now() + CLOSE_TAKEOVER_MS);
      return outcome;
    }
    closing.delete(pollId);
    deadlines.delete(pollId);
    if (outcome.kind !== 'closed') return outcome;
    const closed = outcome.poll;
    await recordPassagePoll(closed);
    // The final edit before the index says closed: a crash in between leaves the index open, and start-up redraws it.
    await edits.finish(pollId);
    await polls.track(closed).catch((error: unknown) => logger.warn({ err: error, pollId }, 'poll index not updated'));
    if (started && closed.messageId) {
      await host.announce({ ...closed, messageId: closed.messageId }).catch((error: unknown) => {
        logger.warn({ err: error, pollId }, 'poll results could not be posted');
      });
    }
    logger.info({ pollId, guildId: closed.guildId }, 'poll closed');
    return outcome;
  };

  /**
   * Closes a poll that is due. At start-up (`guildId` given, from the index) a poll that closed
   * or vanished without its index saying so is set right there, and a closed message redrawn.
   */
  const closeDue = async (pollId: string, guildId?: string): Promise<void> => {
    try {
      const outcome = await finish(pollId);
      if (guildId && outcome.kind === 'gone') await polls.untrack(guildId, pollId);
      if (guildId && outcome.kind === 'already') {
        // Closed by a process that stopped before the index said so: its history may lack the counts too.
        await recordPassagePoll(outcome.poll);
        await polls.track(outcome.poll);
        if (outcome.poll.shownRevision < outcome.poll.revision) edits.request(pollId);
      }
    } catch (error) {
      const state = closing.get(pollId) ?? { attempt: 1, failures: 0 };
      const failures = state.failures + 1;
      closing.set(pollId, { ...state, failures });
      const delay = Math.min(CLOSE_RETRY_MS * 2 ** (failures - 1), CLOSE_RETRY_MAX_MS);
      deadlines.set(pollId, clock.now() + delay);
      logger.error({ err: error, pollId, failures, retryInMs: delay }, 'poll could not be closed');
    }
  };

  const deadlines = createDeadlines(clock, (due) => void Promise.all(due.map((pollId) => closeDue(pollId))));

  /** An open poll found in the index: closed if due, else watched, and its message redrawn if behind the store. */
  const recover = async (guildId: string, entry: PollIndexEntry): Promise<void> => {
    if (entry.closesAt <= clock.now()) return closeDue(entry.id, guildId);
    deadlines.set(entry.id, entry.closesAt);
    try {
      const poll = await polls.get(entry.id);
      if (!poll) {
        deadlines.delete(entry.id);
        await polls.untrack(guildId, entry.id);
      } else if (poll.closedAt !== null) {
        await closeDue(entry.id, guildId);
      } else if (poll.shownRevision < poll.revision) {
        edits.request(entry.id);
      }
    } catch (error) {
      // The deadline stays: the close reads the poll again then.
      logger.warn({ err: error, pollId: entry.id, guildId }, 'open poll could not be checked at start');
    }
  };

  /** Every open poll of the servers this process holds, each on its own so that one bad record stops nothing else. */
  const load = async (): Promise<void> => {
    const open: Array<{ guildId: string; entry: PollIndexEntry }> = [];
    try {
      for await (const found of polls.openPolls((guildId) => host.holds(guildId))) open.push(found);
    } catch (error) {
      logger.warn({ err: error }, 'open polls could not be listed; trying again in a minute');
      schedule('load', load, LOAD_RETRY_MS);
      return;
    }
    // A few at a time: thousands of reads at once would wait for the store's connections past CALL_MS.
    for (let at = 0; at < open.length; at += RECOVER_AT_ONCE) {
      await Promise.all(open.slice(at, at + RECOVER_AT_ONCE).map(({ guildId, entry }) => recover(guildId, entry)));
    }
    logger.info({ open: deadlines.size }, 'polls watched');
  };

  /**
   * Deletes closed polls once their retention is over (releasing their close claims), reduces to
   * counts any closed poll still holding voter keys (closed by an older version), and drops
   * those polls from the indexes: closed polls keep no voter data, and nothing past its time.
   */
  const sweep = async (): Promise<void> => {
    const now = clock.now();
    let deleted = 0;
    for await (const [pollId, poll] of polls.all()) {
      if (poll.closedAt === null || !host.holds(poll.guildId)) continue;
      try {
        if (poll.closedAt + CLOSED_POLL_RETENTION_MS <= now) {
          await change(pollId, () => polls.delete(pollId));
          if (poll.closeClaim) await store.release(poll.closeClaim.key, poll.closeClaim.owner);
          deleted += 1;
        } else if (Object.keys(poll.votes).length > 0) {
          await change(pollId, async () => {
            const current = await polls.get(pollId);
            if (current && current.closedAt !== null) await polls.save(countsOnly(current));
          });
        }
      } catch (error) {
        logger.warn({ err: error, pollId }, 'closed poll not swept');
      }
    }
    for await (const guildId of polls.guilds()) {
      if (host.holds(guildId)) await polls.prune(guildId).catch((error: unknown) => logger.warn({ err: error, guildId }, 'poll index not pruned'));
    }
    if (deleted > 0) logger.info({ deleted }, 'closed polls deleted after their retention');
  };

  const schedule = (slot: keyof typeof timers, task: () => Promise<void>, delay: number) => {
    if (!started) return;
    clock.clearTimeout(timers[slot]);
    timers[slot] = clock.setTimeout(() => void task(), delay);
  };
  const sweepNow = async () => {
    await sweep().catch((error: unknown) => logger.warn({ err: error }, 'poll sweep failed'));
    schedule('sweep', sweepNow, SWEEP_EVERY_MS);
  };

  const create = async (place: PollPlace, raw: RawPollInput, post: PostPoll, passage?: PassageQuote): Promise<Poll> => {
    const input = parsePollInput(raw);
    const now = clock.now();
    const id = newPollId();
    const draft: Poll = {
      id,
      ...place,
      messageId: null,
      question: input.question,
      options: input.options,
      multiple: input.multiple,
      anonymous: input.anonymous,
      ...(input.anonymous ? { keyCheck: voterKeys.checkFor(id) } : {}),
      ...(passage ? { passage } : {}),
      createdAt: now,
      closesAt: now + input.duration,
      closedAt: null,
      votes: {},
      revision: 0,
      shownRevision: 0,
    };
    // The message needs nothing from the store, so it goes out first: Discord wants an answer within
    // 3 s however slow the store is. The save is queued first in the poll's queue, so a click on the
    // new message waits behind it and finds the poll; the message id is added after, in the same queue.
    const saved = change(id, () => polls.save(draft));
    saved.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    let message: PostedPoll;
    try {
      message = await post(draft);
    } catch (error) {
      // Never posted (refused, e.g. a cooldown, or Discord failed), so no click can reach it: the
      // refusal goes out now, and the draft is deleted once its save is through.
      void saved.then(() => change(id, () => polls.delete(id))).catch((cleanup: unknown) => logger.warn({ err: cleanup, pollId: id }, 'unposted poll not deleted'));
      throw error;
    }
    let poll: Poll;
    try {
      poll = await change(id, async () => {
        await saved;
        const withMessage: Poll = { ...((await polls.get(id)) ?? draft), messageId: message.id };
        await polls.save(withMessage);
        return withMessage;
      });
    } catch (error) {
      // Not stored: its buttons would count nothing, so the message goes.
      await message.retract().catch((retractError: unknown) => logger.warn({ err: retractError, pollId: id }, 'unstored poll message not removed'));
      await change(id, () => polls.delete(id)).catch(() => undefined);
      throw error;
    }
    if (poll.shownRevision < poll.revision) edits.request(poll.id);
    await polls.track(poll);
    await recordPassagePoll(poll);
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
    async vote(click: VoteClick): Promise<CountedVote> {
      const counted = await votes.submit(click.pollId, click);
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
      const outcome = await finish(poll.id);
      if (outcome.kind === 'closed') return outcome.poll;
      if (outcome.kind === 'elsewhere') throw new UserError('That poll is being closed already; its final results will be on the poll message.');
      if (outcome.kind === 'gone') throw new UserError(`${GONE}.`);
      throw new UserError('That poll is already closed.');
    },

    /** Once Discord is ready: closes the polls that came due meanwhile, watches the others, redraws stale messages. */
    async start(): Promise<void> {
      started = true;
      schedule('sweep', sweepNow, FIRST_SWEEP_MS);
      await load();
    },

    /** A server that became available after start-up (guildCreate). */
    async loadGuild(guildId: string): Promise<void> {
      const open = (await polls.pollsOf(guildId)).filter((entry) => entry.closedAt === null);
      await Promise.all(open.map((entry) => recover(guildId, entry)));
    },

    async forgetGuild(guildId: string): Promise<void> {
      const { ids, claims } = await polls.forgetGuild(guildId);
      for (const pollId of ids) {
        deadlines.delete(pollId);
        edits.forget(pollId);
        closing.delete(pollId);
      }
      // Deleted again behind any batch of votes in flight, so that none writes a poll back.
      await Promise.all(ids.map((pollId) => change(pollId, () => polls.delete(pollId))));
      await Promise.all(claims.map((claim) => store.release(claim.key, claim.owner)));
    },

    async stop(): Promise<void> {
      deadlines.stop();
      clock.clearTimeout(timers.load);
      clock.clearTimeout(timers.sweep);
      await queue.idle();
      await edits.flush();
      started = false;
    },
  };
}

export type PollService = ReturnType<typeof createPollService>;
