import { describe, expect, it } from 'vitest';
import { applyVote, closePoll, tally, winners } from '../../../src/features/polls/poll.js';
import { createVoterKeys } from '../../../src/features/polls/voter-keys.js';
import { voteConfirmation } from '../../../src/features/polls/views.js';
import { samplePoll } from './fixtures.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const carol = '200000000000000003';

describe('applyVote', () => {
  it('GIVEN a single-answer poll THEN a vote is recorded, another answer changes it, the same one removes it', () => {
    const first = applyVote(samplePoll(), alice, 0);
    expect(first.poll.votes).toEqual({ [alice]: [0] });
    expect(voteConfirmation(first.poll, first)).toMatch(/^Recorded your vote for \*\*Yes\*\*/);

    const changed = applyVote(first.poll, alice, 2);
    expect(changed.poll.votes).toEqual({ [alice]: [2] });
    expect(voteConfirmation(changed.poll, changed)).toMatch(/^Changed your vote from \*\*Yes\*\* to \*\*Partly\*\*/);

    const removed = applyVote(changed.poll, alice, 2);
    expect(removed.poll.votes).toEqual({});
    expect(voteConfirmation(removed.poll, removed)).toMatch(/^Removed your vote for \*\*Partly\*\*/);
  });

  it('GIVEN multiple THEN answers add up and a second click takes one back', () => {
    let poll = samplePoll({ multiple: true });
    poll = applyVote(poll, alice, 2).poll;
    const added = applyVote(poll, alice, 0);
    expect(added.poll.votes[alice]).toEqual([0, 2]);
    expect(voteConfirmation(added.poll, added)).toMatch(/Added \*\*Yes\*\*.*Your answers now: \*\*Yes\*\*, \*\*Partly\*\*/);
    const taken = applyVote(added.poll, alice, 2);
    expect(taken.poll.votes[alice]).toEqual([0]);
    expect(voteConfirmation(taken.poll, taken)).toMatch(/Removed \*\*Partly\*\* from your answers/);
  });

  it('GIVEN an anonymous poll THEN no user id is stored, yet the voter can still change the vote', () => {
    const keys = createVoterKeys('the bot token');
    let poll = samplePoll({ anonymous: true, keyCheck: keys.checkFor('abc123def0') });
    const keyOf = keys.keyOf(poll)!;
    poll = applyVote(poll, alice, 0, keyOf).poll;
    poll = applyVote(poll, bob, 1, keyOf).poll;
    expect(JSON.stringify(poll)).not.toContain(alice);
    expect(JSON.stringify(poll)).not.toContain(bob);
    poll = applyVote(poll, alice, 1, keyOf).poll;
    expect(tally(poll).counts).toEqual([0, 2, 0]);
    expect(poll.votes[keyOf(alice)]).toEqual([1]);
    expect(poll.revision).toBe(3);
  });

  it('GIVEN another secret (the token was reset) THEN the anonymous poll cannot be keyed, and the old keys are not those of the new secret', () => {
    const poll = samplePoll({ anonymous: true, keyCheck: createVoterKeys('old token').checkFor('abc123def0') });
    expect(createVoterKeys('new token').keyOf(poll)).toBeUndefined();
    expect(createVoterKeys('old token').keyOf(poll)!(alice)).not.toBe(createVoterKeys('other').keyOf({ ...poll, keyCheck: createVoterKeys('other').checkFor(poll.id) })!(alice));
  });

  it('GIVEN a poll closes THEN only the counts are kept, not who voted', () => {
    let poll = samplePoll();
    for (const [user, option] of [[alice, 0], [bob, 0], [carol, 1]] as const) poll = applyVote(poll, user, option).poll;
    const closed = closePoll(poll, poll.closesAt);
    expect(closed.votes).toEqual({});
    expect(JSON.stringify(closed)).not.toContain(alice);
    expect(tally(closed)).toEqual(tally(poll));
    expect(winners(closed)).toEqual([0]);
    expect(closed.revision).toBe(poll.revision + 1);
  });

  it('does not change the poll it was given', () => {
    const poll = samplePoll();
    applyVote(poll, alice, 0);
    expect(poll.votes).toEqual({});
  });
});

describe('tally and winners', () => {
  it('GIVEN votes THEN counts, voters and percents of voters', () => {
    let poll = samplePoll();
    for (const [user, option] of [[alice, 0], [bob, 0], [carol, 1]] as const) poll = applyVote(poll, user, option).poll;
    expect(tally(poll)).toEqual({ counts: [2, 1, 0], voters: 3, percents: [67, 33, 0] });
    expect(winners(poll)).toEqual([0]);
  });

  it('GIVEN multiple THEN percents are of voters and may add up past 100', () => {
    let poll = samplePoll({ multiple: true });
    poll = applyVote(applyVote(poll, alice, 0).poll, alice, 1).poll;
    poll = applyVote(poll, bob, 0).poll;
    expect(tally(poll)).toEqual({ counts: [2, 1, 0], voters: 2, percents: [100, 50, 0] });
  });

  it('GIVEN a tie THEN every leader wins; GIVEN no votes THEN none', () => {
    let poll = samplePoll();
    expect(winners(poll)).toEqual([]);
    poll = applyVote(applyVote(poll, alice, 0).poll, bob, 2).poll;
    expect(winners(poll)).toEqual([0, 2]);
  });
});
