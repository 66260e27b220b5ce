import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, MIN_OPTIONS } from './input.js';

const snowflake = z.string().regex(/^\d{15,21}$/);

export const pollSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{6,16}$/),
  guildId: snowflake,
  channelId: snowflake,
  /** Null for the moment between saving the poll and posting its message. */
  messageId: snowflake.nullable(),
  creatorId: snowflake,
  question: z.string().min(1).max(MAX_QUESTION),
  options: z.array(z.string().min(1).max(MAX_OPTION)).min(MIN_OPTIONS).max(MAX_OPTIONS),
  multiple: z.boolean(),
  anonymous: z.boolean(),
  /** The passage a `/poll passage` asks about. */
  passage: z.object({ ref: z.string(), title: z.string(), text: z.string() }).optional(),
  createdAt: z.number().int(),
  closesAt: z.number().int(),
  /** When it closed; null while open. */
  closedAt: z.number().int().nullable(),
  /**
   * While open: voter key (the user id, or in an anonymous poll a keyed hash, see voter-keys.ts)
   * → chosen answer indexes. Emptied when the poll closes: its `result` keeps the counts only.
   */
  votes: z.record(z.string(), z.array(z.number().int().min(0).max(MAX_OPTIONS - 1))),
  /** Anonymous polls: tells whether this process derives the same voter keys as the one that started it. */
  keyCheck: z.string().optional(),
  /** Once closed: the final counts, all that is kept of the votes. */
  result: z.object({ counts: z.array(z.number().int().min(0)), voters: z.number().int().min(0) }).optional(),
  /** Bumped by every change the message shows (votes, close); `shownRevision` is the last one the message was edited to. */
  revision: z.number().int().min(0).default(0),
  shownRevision: z.number().int().min(0).default(0),
  /** The cross-process claim under which this poll was closed, released when the poll is deleted. */
  closeClaim: z.object({ key: z.string(), owner: z.string() }).optional(),
});

export type Poll = z.output<typeof pollSchema>;

export function newPollId(): string {
  return randomBytes(8).readBigUInt64BE().toString(36).slice(0, 10).padStart(10, '0');
}

export function isOpen(poll: Poll, now: number): boolean {
  return poll.closedAt === null && now < poll.closesAt;
}

export interface Vote {
  /** The voter's answers before and after this click. */
  before: number[];
  after: number[];
  option: number;
}

export interface Click {
  userId: string;
  option: number;
}

/** The key a voter's answers are stored under: see voter-keys.ts. */
export type VoterKeyOf = (userId: string) => string;

/**
 * Clicks on answers, in order: the same answer again removes it, another one
 * replaces it (or joins it with `multiple`). A click on an answer the poll does
 * not have gives undefined. The votes are copied once per call, not per click.
 */
export function applyVotes(poll: Poll, clicks: Click[], keyOf: VoterKeyOf): { poll: Poll; votes: Array<Vote | undefined> } {
  const votes = { ...poll.votes };
  let changed = false;
  const results = clicks.map(({ userId, option }): Vote | undefined => {
    if (!Number.isInteger(option) || option < 0 || option >= poll.options.length) return undefined;
    changed = true;
    const key = keyOf(userId);
    const before = votes[key] ?? [];
    let after: number[];
    if (before.includes(option)) after = before.filter((chosen) => chosen !== option);
    else if (poll.multiple) after = [...before, option].sort((a, b) => a - b);
    else after = [option];
    if (after.length === 0) delete votes[key];
    else votes[key] = after;
    return { before, after, option };
  });
  return { poll: changed ? { ...poll, votes, revision: poll.revision + 1 } : poll, votes: results };
}

/** One click; see `applyVotes`. */
export function applyVote(poll: Poll, userId: string, option: number, keyOf: VoterKeyOf = (id) => id): Vote & { poll: Poll } {
  const result = applyVotes(poll, [{ userId, option }], keyOf);
  const vote = result.votes[0];
  if (!vote) throw new RangeError(`poll ${poll.id} has no answer ${option}`);
  return { ...vote, poll: result.poll };
}

interface Tally {
  counts: number[];
  voters: number;
  /** Percent of voters who chose each answer (with `multiple` these add up to more than 100). */
  percents: number[];
}

export function tally(poll: Poll): Tally {
  const { counts, voters } = poll.result ?? countVotes(poll);
  const percents = counts.map((count) => (voters === 0 ? 0 : Math.round((count / voters) * 100)));
  return { counts, voters, percents };
}

function countVotes(poll: Poll): { counts: number[]; voters: number } {
  const counts = poll.options.map(() => 0);
  let voters = 0;
  for (const answers of Object.values(poll.votes)) {
    if (answers.length === 0) continue;
    voters += 1;
    for (const option of answers) if (option < counts.length) counts[option]! += 1;
  }
  return { counts, voters };
}

/**
 * The poll closed at `at`: the counts are kept and the voter keys dropped, so that
 * once a poll is over nobody, not even the bot, can tell who voted for what.
 */
export function closePoll(poll: Poll, at: number, closeClaim?: Poll['closeClaim']): Poll {
  return { ...countsOnly(poll), closedAt: at, revision: poll.revision + 1, ...(closeClaim ? { closeClaim } : {}) };
}

/** The poll with its votes reduced to counts (also for polls closed before closing did so). */
export function countsOnly(poll: Poll): Poll {
  const { keyCheck: _keyCheck, ...rest } = poll;
  return { ...rest, votes: {}, result: poll.result ?? countVotes(poll) };
}

/** The answers with the most votes: none without votes, several on a tie. */
export function winners(poll: Poll): number[] {
  const { counts } = tally(poll);
  const top = Math.max(...counts);
  if (top === 0) return [];
  return counts.flatMap((count, index) => (count === top ? [index] : []));
}
