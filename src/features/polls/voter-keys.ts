import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { Poll, VoterKeyOf } from './poll.js';

const KEY_LENGTH = 22;
const SALT = 'marginalia poll voter keys v1';

/**
 * The keys under which an anonymous poll stores each voter's answers, so that a member can
 * change a vote without the store holding who they are.
 *
 * Why a secret the store does not hold: the poll id is in the poll's footer and member ids are
 * public, so any keyless function of the two (the old `sha256(pollId:userId)`) lets whoever has a
 * copy of the store (a backup, a dump) compute every member's key and read their vote. Here the
 * key is an HMAC under a per-poll key derived (HKDF) from a process secret, the bot token, which
 * is never written to the store: without the token the keys cannot be matched to members. Every
 * shard and restart has the same token, so they all derive the same keys. Once the poll closes
 * the keys are dropped for the counts (`closePoll`), and then not even the bot can tell.
 *
 * If the token changes while an anonymous poll is open (it was reset), the new keys no longer
 * match the stored ones: the poll's `keyCheck` shows it, and the poll takes no more votes,
 * since it could no longer tell a member who already voted from a new voter. Its votes so far
 * stay and it closes on time.
 */
export function createVoterKeys(secret: string) {
  const pollKey = (pollId: string) => Buffer.from(hkdfSync('sha256', secret, SALT, `poll:${pollId}`, 32));
  const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url').slice(0, KEY_LENGTH);

  return {
    /** What a new anonymous poll stores to tell later whether the keys still match. */
    checkFor(pollId: string): string {
      return mac(pollKey(pollId), 'key check');
    },
    /**
     * How this poll's voters are keyed: user ids in a poll that is not anonymous; undefined for
     * an anonymous poll whose keys this process cannot derive any more (the token changed).
     */
    keyOf(poll: Pick<Poll, 'id' | 'anonymous' | 'keyCheck'>): VoterKeyOf | undefined {
      if (!poll.anonymous) return (userId) => userId;
      // Started before keyed hashes: keeps its old keys until it closes (7 days at most), then only counts remain.
      if (poll.keyCheck === undefined) return (userId) => createHash('sha256').update(`${poll.id}:${userId}`).digest('base64url').slice(0, KEY_LENGTH);
      const key = pollKey(poll.id);
      if (mac(key, 'key check') !== poll.keyCheck) return undefined;
      return (userId) => mac(key, `voter:${userId}`);
    },
  };
}
