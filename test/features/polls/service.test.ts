import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadShippedLibrary, shippedLibrary, type Library } from '../../../src/library/library.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { Namespace, Store } from '../../../src/lib/store.js';
import type { Poll } from '../../../src/features/polls/poll.js';
import { createHistoryService } from '../../../src/features/history/service.js';
import { createSettingsService } from '../../../src/features/settings/service.js';
import { createPollService, type CountedVote, type PollHost, type VoteClick } from '../../../src/features/polls/service.js';
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
const retracted: string[] = [];
const post = async (poll: Poll) => {
  expect(sent(pollView(poll)).embeds).toHaveLength(1);
  messageIds += 1;
  const id = String(300000000000000000 + messageIds * 1000);
  return { id, retract: async () => void retracted.push(id) };
};

const SECRET = 'the bot token';

function service(clock = manualClock(), host = fakeHost().host, store = temp.open(), voterSecret = SECRET) {
  const history = createHistoryService({ store, logger, settings: createSettingsService({ store, logger }), now: clock.now });
  return temp.track(createPollService({ store, logger, library, host, history, clock, voterSecret }));
}

/** A click on the poll's own message in its own server, as the handler passes it. */
const click = (poll: Poll, option: number, userId: string, where: Partial<VoteClick> = {}): VoteClick => ({
  pollId: poll.id,
  option,
  userId,
  guildId: poll.guildId,
  messageId: poll.messageId!,
  ...where,
});

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
      pending.push(confirmed(polls.vote(click(poll, i % 2, user(i)))));
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
    expect(closed.result).toEqual({ counts: [500, 500], voters: 1000 });
    expect(closed.votes).toEqual({});
  });

  it('GIVEN a poll closed in the middle of a burst of votes THEN it stays closed with exactly the votes confirmed before', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No' }, post);
    const answers: Array<Promise<string>> = [];
    let next = 0;
    const clicks = async (count: number) => {
      for (let i = 0; i < count; i += 1, next += 1) {
        answers.push(confirmed(polls.vote(click(poll, next % 2, user(next)))).catch((error: unknown) => (error as Error).message));
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await clicks(100);
    // Votes keep coming while the close waits its turn behind their batches, and after it.
    let through = false;
    const closing = polls.close({ ...place, userId: CREATOR, canManageMessages: false }).finally(() => (through = true));
    while (!through) await clicks(7);
    await clicks(50);
    const texts = await Promise.all(answers);
    const closed = await closing;

    const recorded = texts.filter((text) => text.startsWith('Recorded')).length;
    expect(texts.filter((text) => !text.startsWith('Recorded') && !text.startsWith('This poll is closed'))).toEqual([]);
    expect(texts.length - recorded).toBeGreaterThanOrEqual(50);
    expect(closed.result!.voters).toBe(recorded);
    await expect(polls.vote(click(poll, 0, user(next)))).rejects.toThrow(/This poll is closed/);
  });

  it('GIVEN one member clicking the same answer three times at once THEN the clicks apply in order', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No' }, post);
    const answers = await Promise.all([0, 0, 0].map((option) => confirmed(polls.vote(click(poll, option, user(1))))));
    expect(answers.map((text) => text.split(' ')[0])).toEqual(['Recorded', 'Removed', 'Recorded']);
  });

  it('GIVEN a vote, a change and a removal THEN the confirmation says exactly what was recorded', async () => {
    const polls = service();
    await polls.start();
    const poll = await polls.create(place, { question: 'Supported?', options: 'Yes | No | Partly', anonymous: true }, post);
    expect(await confirmed(polls.vote(click(poll, 0, user(1))))).toMatch(/Recorded your vote for \*\*Yes\*\*/);
    expect(await confirmed(polls.vote(click(poll, 2, user(1))))).toMatch(/Changed your vote from \*\*Yes\*\* to \*\*Partly\*\*/);
    expect(await confirmed(polls.vote(click(poll, 2, user(1))))).toMatch(/Removed your vote for \*\*Partly\*\*/);
  });

  it('GIVEN a restart THEN the votes are kept, buttons still work and the poll closes on time', async () => {
    const clock = manualClock();
    const first = service(clock);
    await first.start();
    const poll = await first.create(place, { question: 'Supported?', options: 'Yes | No', duration: '10m' }, post);
    await first.vote(click(poll, 0, user(1)));
    await first.stop();

    const { host, edits, replies } = fakeHost();
    const second = service(clock, host);
    await second.start();
    expect(await confirmed(second.vote(click(poll, 0, user(2))))).toMatch(/Recorded/);
    clock.advance(10 * 60_000);
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0]!.content).toMatch(/Winner: \*\*Yes\*\* with 2 of 2 voters/);
    const final = edits.at(-1)!;
    expect(final.components.flatMap((row) => row.components).every((button) => button.disabled)).toBe(true);
    await expect(second.vote(click(poll, 1, user(3)))).rejects.toThrow(/This poll is closed/);
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
    await expect(second.vote(click(due, 0, user(1)))).rejects.toThrow(/closed/);
    // Not closed here: it is another shard's to close (still refused, being past its deadline).
    await expect(second.vote(click(elsewhere, 0, user(1)))).rejects.toThrow(/closed/);
    expect(await confirmed(second.vote(click(later, 0, user(1))))).toMatch(/Recorded/);
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
    await expect(polls.vote(click(poll, 0, user(1)))).rejects.toThrow(/no longer stored/);
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

/** The store, with the writes of the `polls` namespace held until `release()` or failing while `failing` is set. */
function controlledStore(store: Store) {
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const control = {
    failing: false,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open();
    },
    store: {
      ...store,
      namespace(name: string): Namespace {
        const inner = store.namespace(name);
        if (name !== 'polls') return inner;
        return {
          ...inner,
          name: inner.name,
          get: inner.get.bind(inner),
          entries: inner.entries.bind(inner),
          delete: inner.delete.bind(inner),
          setAside: inner.setAside.bind(inner),
          async set(key, value, ttl) {
            await gate;
            if (control.failing) throw new Error('the store is unavailable');
            await inner.set(key, value, ttl);
          },
        };
      },
    } satisfies Store,
  };
  return control;
}

/** The poll record as the store holds it, as text: what a copy of the store would show. */
async function dump(store: Store, pollId: string): Promise<string> {
  return JSON.stringify(await store.namespace('polls').get(pollId));
}

describe('poll service: faults', () => {
  it('GIVEN a store that has not answered yet THEN the poll message is posted first, and a click at once still counts', async () => {
    const control = controlledStore(temp.open());
    const polls = service(undefined, undefined, control.store);
    await polls.start();
    control.hold();
    let postedAt: Poll | undefined;
    const created = polls.create(place, { question: 'Fast?', options: 'Yes | No' }, async (poll) => {
      postedAt = poll;
      return post(poll);
    });
    await vi.waitFor(() => expect(postedAt).toBeDefined());
    // A click arriving while the save is still held waits behind it rather than finding no poll.
    const early = polls.vote({ pollId: postedAt!.id, option: 0, userId: user(1), guildId: GUILD, messageId: '0' });
    control.release();
    const poll = await created;
    expect(await confirmed(early)).toMatch(/Recorded/);
    expect(poll.messageId).not.toBeNull();

    // A post refused (a cooldown) is told at once, without waiting for the draft's save and delete.
    control.hold();
    const refused = polls.create(place, { question: 'Too soon?', options: 'Yes | No' }, async () => {
      throw new UserError('You posted a moment ago.');
    });
    await expect(refused).rejects.toThrow('You posted a moment ago.');
    control.release();
  });

  it('GIVEN the save fails after the message went out THEN the message is taken down and the error reaches the handler', async () => {
    const control = controlledStore(temp.open());
    const polls = service(undefined, undefined, control.store);
    await polls.start();
    control.failing = true;
    const before = retracted.length;
    await expect(polls.create(place, { question: 'Lost?', options: 'Yes | No' }, post)).rejects.toThrow(/unavailable/);
    expect(retracted.length).toBe(before + 1);
  });

  it('GIVEN a button of a poll of another server, or of another message THEN the click is refused and counted nowhere', async () => {
    const polls = service(undefined, fakeHost([GUILD, OTHER_GUILD]).host);
    await polls.start();
    const poll = await polls.create(place, { question: 'Mine?', options: 'Yes | No' }, post);
    await expect(polls.vote(click(poll, 0, user(1), { guildId: OTHER_GUILD }))).rejects.toThrow('This button does not belong to a poll I know.');
    await expect(polls.vote(click(poll, 0, user(2), { messageId: '100000000000000555' }))).rejects.toThrow('This button does not belong to a poll I know.');
    // In one batch with a genuine click, only the genuine one counts.
    const [forged, genuine] = await Promise.allSettled([polls.vote(click(poll, 1, user(3), { guildId: OTHER_GUILD })), polls.vote(click(poll, 1, user(4)))]);
    expect(forged.status).toBe('rejected');
    expect(genuine.status).toBe('fulfilled');
    const closed = await polls.close({ guildId: GUILD, channelId: CHANNEL, userId: CREATOR, canManageMessages: false });
    expect(closed.result).toEqual({ counts: [0, 1], voters: 1 });
  });

  it('GIVEN an anonymous poll THEN a copy of the store shows neither member ids nor their sha256 keys, and after the close no voter keys at all', async () => {
    const store = temp.open();
    const polls = service(undefined, undefined, store);
    await polls.start();
    const poll = await polls.create(place, { question: 'Secret?', options: 'Yes | No', anonymous: true }, post);
    const members = Array.from({ length: 20 }, (_, i) => user(i));
    for (const [i, member] of members.entries()) await polls.vote(click(poll, i % 2, member));
    const open = await dump(store, poll.id);
    expect(Object.keys((JSON.parse(open) as Poll).votes)).toHaveLength(20);
    for (const member of members) {
      expect(open).not.toContain(member);
      // What anyone can compute from the public poll id and member id.
      expect(open).not.toContain(createHash('sha256').update(`${poll.id}:${member}`).digest('base64url').slice(0, 22));
      expect(open).not.toContain(createHash('sha256').update(`${poll.id}:${member}`).digest('hex').slice(0, 22));
    }
    await polls.close({ guildId: GUILD, channelId: CHANNEL, userId: CREATOR, canManageMessages: false });
    const closed = JSON.parse(await dump(store, poll.id)) as Poll;
    expect(closed.votes).toEqual({});
    expect(closed.keyCheck).toBeUndefined();
    expect(closed.result).toEqual({ counts: [10, 10], voters: 20 });
  });

  it('GIVEN the token changed while an anonymous poll is open THEN it refuses votes with a sentence instead of counting someone twice', async () => {
    const store = temp.open();
    const first = service(undefined, undefined, store);
    await first.start();
    const poll = await first.create(place, { question: 'Secret?', options: 'Yes | No', anonymous: true }, post);
    await first.vote(click(poll, 0, user(1)));
    await first.stop();
    temp.stopped(first);
    const second = service(undefined, undefined, store, 'a new token');
    await second.start();
    await expect(second.vote(click(poll, 0, user(1)))).rejects.toThrow(/key changed since it started/);
  });

  it('GIVEN two processes on one store closing the same 20 polls at once THEN each poll is closed and announced exactly once', async () => {
    const clock = manualClock();
    const a = fakeHost();
    const b = fakeHost();
    const first = service(clock, a.host);
    await first.start();
    const created: Poll[] = [];
    for (let i = 0; i < 20; i += 1) created.push(await first.create(place, { question: `Race ${i}?`, options: 'Yes | No', duration: '1m' }, post));
    const second = service(clock, b.host);
    await second.start();
    clock.advance(60_000);
    await vi.waitFor(() => expect(a.replies.length + b.replies.length).toBe(20));
    // The losers look again after the takeover wait, and find each poll closed.
    clock.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.replies.length + b.replies.length).toBe(20);
    expect(new Set([...a.replies, ...b.replies].map((reply) => reply.content)).size).toBe(20);
  });

  it('GIVEN the process that claimed a close died before closing THEN another closes it after the takeover wait', async () => {
    const clock = manualClock();
    const store = temp.open();
    const { host, replies } = fakeHost();
    const first = service(clock, host, store);
    await first.start();
    const poll = await first.create(place, { question: 'Orphan?', options: 'Yes | No', duration: '1m' }, post);
    await first.stop();
    temp.stopped(first);
    expect(await store.claim(`poll-close:${poll.id}:1`, 'a process that died')).toBe(true);

    clock.advance(2 * 60_000);
    const second = service(clock, host, store);
    await second.start();
    expect(replies).toHaveLength(0);
    clock.advance(60_000);
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    await expect(second.vote(click(poll, 0, user(1)))).rejects.toThrow(/closed/);
  });

  it('GIVEN the store unavailable at the deadline THEN the close is tried again and lands once the store is back', async () => {
    const clock = manualClock();
    const control = controlledStore(temp.open());
    const { host, replies } = fakeHost();
    const polls = service(clock, host, control.store);
    await polls.start();
    const poll = await polls.create(place, { question: 'Outage?', options: 'Yes | No', duration: '1m' }, post);
    control.failing = true;
    clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replies).toHaveLength(0);
    control.failing = false;
    clock.advance(30_000);
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    await expect(polls.vote(click(poll, 0, user(1)))).rejects.toThrow(/closed/);
  });

  it('GIVEN a message edit that failed before a crash THEN start-up redraws the poll from the store', async () => {
    const clock = manualClock();
    const store = temp.open();
    const failing = fakeHost();
    failing.host.show = async () => {
      throw new Error('Missing Permissions');
    };
    const first = service(clock, failing.host, store);
    await first.start();
    const poll = await first.create(place, { question: 'Stale?', options: 'Yes | No' }, post);
    await first.vote(click(poll, 1, user(1)));
    clock.advance(1_000);
    await first.stop();
    temp.stopped(first);

    const { host, edits } = fakeHost();
    const second = service(clock, host, store);
    await second.start();
    clock.advance(1);
    await vi.waitFor(() => expect(edits.length).toBeGreaterThanOrEqual(1));
    expect(voters(edits.at(-1)!.embeds[0]!.description!)).toBe('0');
    expect(edits.at(-1)!.embeds[0]!.footer!.text).toMatch(/^1 voter/);
    // Once drawn, the next start-up has nothing to redraw.
    await second.stop();
    temp.stopped(second);
    const third = fakeHost();
    const restarted = service(clock, third.host, store);
    await restarted.start();
    clock.advance(2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(third.edits).toHaveLength(0);
  });

  it('GIVEN a 403 on the final edit THEN the poll is closed in the store all the same', async () => {
    const store = temp.open();
    const { host, replies } = fakeHost();
    host.show = async () => {
      throw new Error('Missing Permissions');
    };
    const polls = service(undefined, host, store);
    await polls.start();
    const poll = await polls.create(place, { question: 'Forbidden?', options: 'Yes | No' }, post);
    await polls.close({ guildId: GUILD, channelId: CHANNEL, userId: CREATOR, canManageMessages: false });
    expect((JSON.parse(await dump(store, poll.id)) as Poll).closedAt).not.toBeNull();
    expect(replies).toHaveLength(1);
  });

  it('GIVEN a closed poll past its 30 days THEN the sweep deletes it, releases its close claim and drops it from the index', async () => {
    const clock = manualClock();
    const store = temp.open();
    const polls = service(clock, undefined, store);
    await polls.start();
    const old = await polls.create(place, { question: 'Old?', options: 'Yes | No' }, post);
    const closed = await polls.close({ guildId: GUILD, channelId: CHANNEL, userId: CREATOR, canManageMessages: false });
    expect(closed.closeClaim).toBeDefined();
    const recent = await polls.create(place, { question: 'Recent?', options: 'Yes | No', duration: '7d' }, post);
    clock.advance(29 * 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.namespace('polls').get(old.id)).toBeDefined();
    // The sweep runs every 6 hours.
    await vi.waitFor(async () => {
      clock.advance(6 * 3_600_000);
      expect(await store.namespace('polls').get(old.id)).toBeUndefined();
    });
    // Released: another owner can take the key now.
    expect(await store.claim(closed.closeClaim!.key, 'someone else')).toBe(true);
    const index = (await store.namespace('poll-index').get(GUILD)) as { polls: Array<{ id: string }> };
    expect(index.polls.map((entry) => entry.id)).toEqual([recent.id]);
  });
});
