import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadShippedLibrary, shippedLibrary, type Library } from '../../../src/library/library.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { Poll } from '../../../src/features/polls/poll.js';
import { createPollService, type CountedVote, type PollHost } from '../../../src/features/polls/service.js';
import { pollResultsView, pollView, voteConfirmation } from '../../../src/features/polls/views.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { manualClock, sent } from './fixtures.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000099';
const CHANNEL = '100000000000000002';
const CREATOR = '100000000000000004';
const logger = createLogger('silent');

let library: Library;
const temp = useTempStores('polls');
const cacheDir = mkdtempSync(path.join(tmpdir(), 'polls-library-'));

beforeAll(async () => {
  library = shippedLibrary(await loadShippedLibrary('corpus', cacheDir, logger));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A Discord stand-in that records what the bot's host would send. */
function fakeHost(held = [GUILD]) {
  const edits: Array<ReturnType<typeof sent>> = [];
  const replies: Array<ReturnType<typeof sent>> = [];
  const host: PollHost = {
    holds: (guildId) => held.includes(guildId),
    show: async (poll) => void edits.push(sent(pollView(poll))),
    announce: async (poll) => void replies.push(sent(pollResultsView(poll))),
  };
  return { host, edits, replies };
}

let messageIds = 0;
const post = async (poll: Poll) => {
  expect(sent(pollView(poll)).embeds).toHaveLength(1);
  messageIds += 1;
  return { id: String(300000000000000000 + messageIds * 1000) };
};

function service(clock = manualClock(), host = fakeHost().host) {
  return temp.track(createPollService({ store: temp.open(), logger, library, host, clock }));
}

/** The voter's private confirmation, as the handler words it. */
const confirmed = async (counted: Promise<CountedVote>) => {
  const { poll, vote } = await counted;
  return voteConfirmation(poll, vote);
};

const place = { guildId: GUILD, channelId: CHANNEL, creatorId: CREATOR };
const user = (i: number) => `2000000000${String(i).padStart(8, '0')}`;
const voters = (description: string) => /\*\*1\.\*\*.*\n.*\((\d+)\)/.exec(description)?.[1];

describe('poll service', () => {
  it('GIVEN 1,000 members clicking at once THEN every vote is counted, each is confirmed, and edits are coalesced', async () => {
    const clock = manualClock();
    const { host, edits } = fakeHost();
    const polls = service(clock, host);
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No' }, post);

    // Clicks arrive while earlier batches are being written, so many read-modify-writes overlap.
    const pending: Array<Promise<string>> = [];
    for (let i = 0; i < 1000; i += 1) {
      pending.push(confirmed(polls.vote(poll.id, i % 2, user(i))));
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const confirmations = await Promise.all(pending);
    expect(confirmations.every((text) => text.startsWith('Recorded your vote for'))).toBe(true);

    clock.advance(1_000);
    await vi.waitFor(() => expect(edits.length).toBeGreaterThanOrEqual(1));
    clock.advance(1_000);
    await polls.stop();
    expect(edits.length).toBeLessThanOrEqual(2);
    const last = edits.at(-1)!.embeds[0]!;
    expect(last.footer!.text).toMatch(/^1000 voters/);
    expect(voters(last.description!)).toBe('500');

    const restarted = service(clock);
    await restarted.start();
    const closed = await restarted.close({ guildId: GUILD, channelId: CHANNEL, userId: CREATOR, canManageMessages: false });
    expect(Object.keys(closed.votes)).toHaveLength(1000);
  });

  it('GIVEN one member clicking the same answer three times at once THEN the clicks apply in order', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No' }, post);
    const answers = await Promise.all([0, 0, 0].map((option) => confirmed(polls.vote(poll.id, option, user(1)))));
    expect(answers.map((text) => text.split(' ')[0])).toEqual(['Recorded', 'Removed', 'Recorded']);
  });

  it('GIVEN a vote, a change and a removal THEN the confirmation says exactly what was recorded', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No | Partly', anonymous: true }, post);
    expect(await confirmed(polls.vote(poll.id, 0, user(1)))).toMatch(/Recorded your vote for \*\*Yes\*\*/);
    expect(await confirmed(polls.vote(poll.id, 2, user(1)))).toMatch(/Changed your vote from \*\*Yes\*\* to \*\*Partly\*\*/);
    expect(await confirmed(polls.vote(poll.id, 2, user(1)))).toMatch(/Removed your vote for \*\*Partly\*\*/);
  });

  it('GIVEN a restart THEN the votes are kept, buttons still work and the poll closes on time', async () => {
    const clock = manualClock();
    const first = service(clock);
    await first.start();
    const poll = await first.create(place, { question: 'Supported?', options: 'Yes | No', duration: '10m' }, post);
    await first.vote(poll.id, 0, user(1));
    await first.stop();

    const { host, edits, replies } = fakeHost();
    const second = service(clock, host);
    await second.start();
    expect(await confirmed(second.vote(poll.id, 0, user(2)))).toMatch(/Recorded/);
    clock.advance(10 * 60_000);
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0]!.content).toMatch(/Winner: \*\*Yes\*\* with 2 of 2 voters/);
    const final = edits.at(-1)!;
    expect(final.components.flatMap((row) => row.components).every((button) => button.disabled)).toBe(true);
    await expect(second.vote(poll.id, 1, user(3))).rejects.toThrow(/This poll is closed/);
  });

  it('GIVEN a poll that came due while the bot was down THEN start-up closes it, but only in servers this process holds', async () => {
    const clock = manualClock();
    const first = service(clock, fakeHost([GUILD, OTHER_GUILD]).host);
    await first.start();
    const due = await first.create(place, { question: 'Due?', options: 'Yes | No', duration: '1m' }, post);
    const elsewhere = await first.create({ ...place, guildId: OTHER_GUILD }, { question: 'Other shard?', options: 'Yes | No', duration: '1m' }, post);
    const later = await first.create(place, { question: 'Later?', options: 'Yes | No', duration: '1d' }, post);
    await first.stop();

    clock.advance(2 * 60 * 60_000);
    const { host, replies } = fakeHost([GUILD]);
    const second = service(clock, host);
    await second.start();
    expect(replies).toHaveLength(1);
    await expect(second.vote(due.id, 0, user(1))).rejects.toThrow(/closed/);
    // Not closed here: it is another shard's to close (still refused, being past its deadline).
    await expect(second.vote(elsewhere.id, 0, user(1))).rejects.toThrow(/closed/);
    expect(await confirmed(second.vote(later.id, 0, user(1)))).toMatch(/Recorded/);
    const other = fakeHost([OTHER_GUILD]);
    const third = service(clock, other.host);
    await third.start();
    expect(other.replies).toHaveLength(1);
  });

  it('GIVEN /poll close THEN the newest open poll of the channel closes, for its creator or a moderator only', async () => {
    const { host, replies } = fakeHost();
    const polls = service(undefined, host);
    await polls.start();
    const older = await polls.create(place, { question: 'Older?', options: 'Yes | No' }, post);
    const newer = await polls.create(place, { question: 'Newer?', options: 'Yes | No' }, post);
    const request = { guildId: GUILD, channelId: CHANNEL, canManageMessages: false };

    await expect(polls.close({ ...request, userId: user(1) })).rejects.toThrow(/Only the person who started this poll/);
    expect((await polls.close({ ...request, userId: CREATOR })).id).toBe(newer.id);
    expect((await polls.close({ ...request, userId: user(1), canManageMessages: true })).id).toBe(older.id);
    await expect(polls.close({ ...request, userId: CREATOR })).rejects.toThrow(/no open poll in this channel/);
    await expect(polls.close({ ...request, userId: CREATOR, poll: older.id })).rejects.toThrow(/already closed/);
    await expect(polls.close({ ...request, userId: CREATOR, poll: 'nope' })).rejects.toBeInstanceOf(UserError);
    expect(replies).toHaveLength(2);
  });

  it('GIVEN a message link THEN /poll close finds the poll by its message', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Link?', options: 'Yes | No' }, post);
    const link = `https://discord.com/channels/${GUILD}/${CHANNEL}/${poll.messageId}`;
    const closed = await polls.close({ guildId: GUILD, channelId: '100000000000000777', userId: CREATOR, canManageMessages: false, poll: link });
    expect(closed.id).toBe(poll.id);
  });

  it('GIVEN the server removed the bot THEN its polls are gone and a click is told so', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Gone?', options: 'Yes | No' }, post);
    await polls.forgetGuild(GUILD);
    await expect(polls.vote(poll.id, 0, user(1))).rejects.toThrow(/no longer stored/);
  });

  it('GIVEN /poll passage THEN quotes the passage and asks agree, disagree or unsure', async () => {
    const polls = service();
    await polls.start();
    let shown: ReturnType<typeof sent> | undefined;
    const poll = await polls.createForPassage(place, 'why-putin-interferes:5', '15m', async (created) => {
      shown = sent(pollView(created));
      return post(created);
    });
    expect(poll.options).toEqual(['Agree', 'Disagree', 'Unsure']);
    expect(shown!.embeds[0]!.description).toContain('> They will resort to propaganda');
    expect(shown!.embeds[0]!.description).toContain('`why-putin-interferes:5`');
    await expect(polls.createForPassage(place, 'why-putin-interferes:99', undefined, post)).rejects.toBeInstanceOf(UserError);
  });
});
