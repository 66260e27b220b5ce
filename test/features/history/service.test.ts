import { describe, expect, it } from 'vitest';
import { createHistoryService, type PollRecord } from '../../../src/features/history/service.js';
import { createSettingsService } from '../../../src/features/settings/service.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { Store } from '../../../src/lib/store.js';
import { useTempStores } from '../../helpers/temp-stores.js';

const silent = createLogger('silent');
const GUILD = '200000000000000001';
const OTHER = '200000000000000002';
const CHANNEL = '200000000000000010';
const ALICE = '200000000000000100';
const BOB = '200000000000000101';
const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2026-11-01T09:00:00Z');

const temp = useTempStores('history');

function open(clock: { now: number }, store: Store = temp.open()) {
  const settings = createSettingsService({ store, logger: silent });
  const history = temp.track(createHistoryService({ store, logger: silent, settings, now: () => clock.now }));
  return { history, settings, store };
}

const post = (date: string, ref: string, messageId: string, thread = true) => ({
  date,
  kind: 'daily' as const,
  ref,
  title: 'The former Kazakhstan',
  prompt: 'What does the speaker assume?',
  channelId: CHANNEL,
  messageId,
  ...(thread ? { threadId: messageId } : {}),
});

const poll = (pollId: string, ref: string, at: number, counts = [0, 0, 0], closed = false): PollRecord => ({
  pollId,
  ref,
  title: 'The former Kazakhstan',
  channelId: CHANNEL,
  messageId: '300000000000000999',
  options: ['Agree', 'Disagree', 'Unsure'],
  counts,
  voters: counts.reduce((a, b) => a + b, 0),
  closed,
  at,
});

describe('recording', () => {
  it('GIVEN two daily posts, a poll that closes and three notes on a passage THEN its history has each once, newest first, and the summary counts them', async () => {
    const clock = { now: START };
    const { history } = open(clock);
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001'));
    clock.now += 3 * DAY;
    await history.recordPoll(GUILD, poll('abcdef1234', 'former-kazakhstan:3-5', clock.now));
    clock.now += DAY;
    await history.recordPost(GUILD, post('2026-11-05', 'former-kazakhstan:4', '300000000000000002'));
    await history.recordPoll(GUILD, poll('abcdef1234', 'former-kazakhstan:3-5', START + 3 * DAY, [6, 2, 1], true));
    for (const text of ['First', 'Second', 'Third']) {
      clock.now += 1000;
      await history.addNote(GUILD, ALICE, 'former-kazakhstan:4', 'The former Kazakhstan', text);
    }

    const entries = await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4);
    expect(entries.map((entry) => entry.kind)).toEqual(['note', 'note', 'note', 'daily', 'poll', 'daily']);
    expect(entries.map((entry) => entry.note?.text).slice(0, 3)).toEqual(['Third', 'Second', 'First']);
    // The poll was replaced by its close, not added twice, and keeps its place in time.
    expect(entries[4]).toMatchObject({ id: 'poll:abcdef1234', at: START + 3 * DAY, poll: { counts: [6, 2, 1], voters: 9, closed: true } });
    expect(history.summary(entries)).toEqual({ discussed: 2, lastDiscussed: '2026-11-05', poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [6, 2, 1], voters: 9, closed: true }, notes: 3 });

    // The poll covered 3-5: paragraph 5 has it too, and a range reads each entry once.
    expect((await history.ofPassage(GUILD, 'former-kazakhstan', 5, 5)).map((entry) => entry.id)).toEqual(['poll:abcdef1234']);
    expect((await history.ofPassage(GUILD, 'former-kazakhstan', 3, 5)).filter((entry) => entry.id === 'poll:abcdef1234')).toHaveLength(1);
  });

  it('GIVEN a post recorded again for its date (a retry, a crash found) THEN it replaces the first record', async () => {
    const clock = { now: START };
    const { history } = open(clock);
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001', false));
    clock.now += 60_000;
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001'));
    const entries = await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.threadId).toBe('300000000000000001');
  });

  it('GIVEN one server\'s history THEN another server reads none of it, and forgetting the first deletes every record of it', async () => {
    const clock = { now: START };
    const { history, store } = open(clock);
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001'));
    await history.addNote(GUILD, ALICE, 'former-kazakhstan:4', 'The former Kazakhstan', 'Mine');
    expect(await history.ofPassage(OTHER, 'former-kazakhstan', 4, 4)).toEqual([]);
    expect(await history.since(OTHER, START - DAY)).toEqual([]);
    await expect(history.removeNote(OTHER, (await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4)).find((entry) => entry.kind === 'note')!.id.slice(5), ALICE, true)).rejects.toThrow(/This server has no note/);

    await history.forgetGuild(GUILD);
    for (const name of ['history', 'history-days', 'history-notes', 'history-span']) {
      const keys = [];
      for await (const [key] of store.namespace(name).entries()) keys.push(key);
      expect(keys, name).toEqual([]);
    }
  });
});

describe('a period', () => {
  it('GIVEN a week of posts and notes THEN since() gives those of the period only, newest first', async () => {
    const clock = { now: START };
    const { history } = open(clock);
    for (let day = 0; day < 10; day++) {
      clock.now = START + day * DAY;
      await history.recordPost(GUILD, post(new Date(clock.now).toISOString().slice(0, 10), `former-kazakhstan:${day + 1}`, String(300000000000000000 + day)));
    }
    clock.now += 1000;
    await history.addNote(GUILD, BOB, 'why-putin-interferes:2-3', 'Why is Putin interfering', 'A range');
    const week = await history.since(GUILD, START + 9 * DAY - 7 * DAY);
    // The note, then the posts since that instant: the one made at that very instant is in.
    expect(week.map((entry) => entry.ref)).toEqual(['why-putin-interferes:2-3', ...[10, 9, 8, 7, 6, 5, 4, 3].map((n) => `former-kazakhstan:${n}`)]);
  });
});

describe('notes', () => {
  it('GIVEN bad notes THEN each gets one sentence and nothing is stored', async () => {
    const clock = { now: START };
    const { history } = open(clock);
    const add = (text: string, to = 4) => history.addNote(GUILD, ALICE, `former-kazakhstan:4${to === 4 ? '' : `-${to}`}`, 'T', text);
    await expect(add('   ')).rejects.toThrow(UserError);
    await expect(add('x'.repeat(1001))).rejects.toThrow('A note has at most 1,000 characters; this one has 1,001.');
    await expect(add('ok', 20)).rejects.toThrow('A note covers at most 10 paragraphs: try `former-kazakhstan:4-13`.');
    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 4, 20)).toEqual([]);
    const kept = await add(`  ${'y'.repeat(1000)}  `);
    expect(kept.note?.text).toHaveLength(1000);
  });

  it('GIVEN a note THEN another member may not remove it, its author and a member with Manage Messages may, by its id as shown', async () => {
    const clock = { now: START };
    const { history } = open(clock);
    const first = await history.addNote(GUILD, ALICE, 'former-kazakhstan:4-5', 'T', 'One');
    const second = await history.addNote(GUILD, ALICE, 'former-kazakhstan:4', 'T', 'Two');
    const id = (entry: typeof first) => entry.id.slice('note:'.length);
    await expect(history.removeNote(GUILD, `#${id(first)}`, BOB, false)).rejects.toThrow(`Only the note's author or a member with Manage Messages can remove note \`#${id(first)}\`.`);
    await expect(history.removeNote(GUILD, 'not an id', ALICE, false)).rejects.toThrow(/six letters and digits/);
    expect((await history.removeNote(GUILD, `#${id(first).toUpperCase()}`, ALICE, false)).note?.text).toBe('One');
    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 5, 5)).toEqual([]);
    expect((await history.removeNote(GUILD, id(second), BOB, true)).note?.text).toBe('Two');
    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4)).toEqual([]);
    await expect(history.removeNote(GUILD, id(second), ALICE, false)).rejects.toThrow(`This server has no note \`#${id(second)}\``);
  });
});

describe('retention', () => {
  it('GIVEN entries older than history_days THEN reads leave them out at once and the sweep deletes them, notes with their ids', async () => {
    const clock = { now: START };
    const { history, settings, store } = open(clock);
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001'));
    const old = await history.addNote(GUILD, ALICE, 'former-kazakhstan:4', 'T', 'Old note');
    clock.now = START + 40 * DAY;
    await history.recordPost(GUILD, post('2026-12-11', 'former-kazakhstan:4', '300000000000000002'));
    await history.recordPost(OTHER, post('2026-11-01', 'former-kazakhstan:4', '300000000000000003'));

    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4)).toHaveLength(3);
    await settings.update(GUILD, { history_days: 30 });
    expect((await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4)).map((entry) => entry.messageId)).toEqual(['300000000000000002']);

    expect(await history.sweep([GUILD, OTHER])).toEqual({ deleted: 2 });
    const stored = await store.namespace('history').get(`${GUILD}/former-kazakhstan:4`);
    expect((stored as { entries: unknown[] }).entries).toHaveLength(1);
    expect(await store.namespace('history-days').get(`${GUILD}/2026-11-01`)).toBeUndefined();
    expect(await store.namespace('history-notes').get(`${GUILD}/${old.id.slice(5)}`)).toBeUndefined();
    // The other server keeps 365 days.
    expect(await history.ofPassage(OTHER, 'former-kazakhstan', 4, 4)).toHaveLength(1);
    // Nothing left to delete: a second sweep reads from the new oldest day.
    expect(await history.sweep([GUILD, OTHER])).toEqual({ deleted: 0 });
    expect(await store.namespace('history-span').get(GUILD)).toEqual({ oldest: '2026-11-11' });
  });

  it('GIVEN a damaged history record THEN it is set aside and the passage reads as without history, others unharmed', async () => {
    const clock = { now: START };
    const { history, store } = open(clock);
    await history.recordPost(GUILD, post('2026-11-01', 'former-kazakhstan:4', '300000000000000001'));
    await history.recordPost(GUILD, post('2026-11-02', 'former-kazakhstan:5', '300000000000000002'));
    await store.namespace('history').set(`${GUILD}/former-kazakhstan:4`, { entries: [{ id: 'nonsense' }] });
    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 4, 4)).toEqual([]);
    expect(await history.ofPassage(GUILD, 'former-kazakhstan', 5, 5)).toHaveLength(1);
    const quarantined = [];
    for await (const [, record] of store.namespace('quarantine').entries()) quarantined.push(record);
    expect(quarantined).toEqual([expect.objectContaining({ namespace: 'history', key: `${GUILD}/former-kazakhstan:4` })]);
  });
});
