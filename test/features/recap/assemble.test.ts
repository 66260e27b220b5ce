import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../src/features/history/entry.js';
import type { PlanStatus } from '../../../src/features/plans/service.js';
import { assembleRecap, linkOf, periodStart, SHOWN_POLLS, SHOWN_POSTS, type RecapLink } from '../../../src/features/recap/assemble.js';
import { recapView } from '../../../src/features/recap/views.js';
import { embedText, expectWithinLimits, toBody } from '../../helpers/payload.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-12-02T12:00:00Z');
const CHANNEL = '300000000000000010';
// Only `former-kazakhstan` is in this server's library: `gone-article` was removed.
const corpus = { byId: new Map([['former-kazakhstan', {}]]) } as never;

let ids = 0;
const id = () => String(400_000_000_000_000_000n + BigInt((ids += 1)));

function post(date: string, ref: string, extra: Partial<Entry> = {}): Entry {
  const messageId = id();
  return { id: `daily:${date}`, kind: 'daily', at: Date.parse(`${date}T04:00:00Z`), ref, title: 'The former Kazakhstan', channelId: CHANNEL, messageId, threadId: messageId, ...extra };
}

function poll(at: number, ref: string, counts: number[], closed: boolean): Entry {
  return { id: `poll:p${(ids += 1).toString(36).padStart(6, '0')}`, kind: 'poll', at, ref, title: 'The former Kazakhstan', channelId: CHANNEL, messageId: id(), poll: { options: ['Agree', 'Disagree', 'Unsure'], counts, voters: counts.reduce((a, b) => a + b, 0), closed } };
}

function note(at: number, ref: string, title = 'The former Kazakhstan'): Entry {
  return { id: `note:${(ids += 1).toString(36).padStart(6, '0')}`, kind: 'note', at, ref, title, note: { authorId: '300000000000000099', text: '@everyone look' } };
}

/** Links as Discord would answer: every thread there with 3 replies, except the threads and messages listed as deleted. */
function links(deleted: { threads?: string[]; messages?: string[] } = {}, seen: Entry[][] = []) {
  return async (shown: Entry[]): Promise<RecapLink[]> => {
    seen.push(shown);
    return shown.map((entry) =>
      linkOf({
        message: { url: `https://discord.com/channels/g/${entry.channelId}/${entry.messageId}`, deleted: deleted.messages?.includes(entry.messageId!) ?? false },
        ...(entry.threadId ? { thread: { url: `https://discord.com/channels/g/${entry.threadId}`, deleted: deleted.threads?.includes(entry.threadId) ?? false, messageCount: 3 } } : {}),
      }),
    );
  };
}

describe('the recap of a period', () => {
  it('GIVEN entries on both sides of the period start THEN only those at or after it are told, newest first', async () => {
    const from = periodStart(NOW, 7);
    const entries = [
      { ...post('2026-11-25', 'former-kazakhstan:1'), at: from - 1 },
      { ...post('2026-11-26', 'former-kazakhstan:2'), at: from },
      post('2026-12-01', 'former-kazakhstan:3-5', { kind: 'plan' }),
    ];
    const recap = await assembleRecap({ days: 7, now: NOW, entries, corpus, links: links() });
    expect(recap.posts.map((p) => [p.date, p.ref, p.kind])).toEqual([
      ['2026-12-01', 'former-kazakhstan:3-5', 'plan'],
      ['2026-11-26', 'former-kazakhstan:2', 'daily'],
    ]);
    const text = embedText(expectWithinLimits(recapView(recap)));
    expect(text).toContain('**2026-12-01** (reading plan) · `former-kazakhstan:3-5` *The former Kazakhstan* · [thread](https://discord.com/channels/g/');
    expect(text).toContain('(3 replies)');
    expect(text).not.toContain('former-kazakhstan:1`');
  });

  it('GIVEN a deleted thread, a deleted message and a removed article THEN they are said as text, and the removed article stays readable', async () => {
    const kept = post('2026-11-30', 'former-kazakhstan:7');
    const threadGone = post('2026-12-01', 'former-kazakhstan:8');
    const allGone = post('2026-11-29', 'former-kazakhstan:9');
    const removed = post('2026-11-28', 'gone-article:2', { title: 'An essay we removed' });
    const recap = await assembleRecap({ days: 7, now: NOW, entries: [kept, threadGone, allGone, removed], corpus, links: links({ threads: [threadGone.threadId!, allGone.threadId!], messages: [allGone.messageId!] }) });
    const text = embedText(toBody(recapView(recap)));
    // The thread is gone but its post is there: the post is linked.
    expect(text).toContain(`[post](https://discord.com/channels/g/${CHANNEL}/${threadGone.messageId}) · thread deleted`);
    expect(text).toContain('`former-kazakhstan:9` *The former Kazakhstan* · thread deleted');
    expect(text).not.toContain(allGone.messageId!);
    expect(text).toContain('`gone-article:2` (article removed) *An essay we removed*');
  });

  it('GIVEN passage polls and notes THEN outcomes read "6 agree, 2 disagree, 1 unsure", open or closed, and the most-noted passages come first', async () => {
    const entries = [
      poll(NOW - DAY, 'former-kazakhstan:4', [6, 2, 1], true),
      poll(NOW - 2 * DAY, 'former-kazakhstan:5', [0, 0, 0], false),
      note(NOW - DAY, 'former-kazakhstan:2'),
      note(NOW - 2 * DAY, 'former-kazakhstan:6'),
      note(NOW - 3 * DAY, 'former-kazakhstan:6'),
      note(NOW - 4 * DAY, 'gone-article:1', 'An essay we removed'),
      note(NOW - 8 * DAY, 'former-kazakhstan:2'),
    ];
    const recap = await assembleRecap({ days: 7, now: NOW, entries, corpus, links: links() });
    expect(recap.noted.map((p) => [p.ref, p.notes])).toEqual([
      ['former-kazakhstan:6', 2],
      ['former-kazakhstan:2', 1],
      ['gone-article:1', 1],
    ]);
    const body = expectWithinLimits(recapView(recap));
    const text = embedText(body);
    expect(text).toContain('`former-kazakhstan:4` *The former Kazakhstan*: 6 agree, 2 disagree, 1 unsure · closed · [poll](');
    expect(text).toContain('`former-kazakhstan:5` *The former Kazakhstan*: no votes · still open');
    expect(text).toContain('`former-kazakhstan:6` *The former Kazakhstan*: 2 notes');
    expect(text).toContain('`gone-article:1` (article removed) *An essay we removed*: 1 note');
    // A note's text is never in the recap.
    expect(text).not.toContain('@everyone');
  });

  it('GIVEN a running plan, one finished in the period and one finished before THEN the first two are told and the last is not', async () => {
    const plan = { articleId: 'former-kazakhstan', title: 'The former Kazakhstan', perDay: 3, from: 1, to: 27, day: 4, skipped: [], startedAt: '2026-11-28T00:00:00Z', startedBy: '1' };
    const running: PlanStatus = { plan, days: 9, next: { from: 13, to: 15 }, articleGone: false };
    const recapOf = async (status: PlanStatus) => toBody(recapView(await assembleRecap({ days: 7, now: NOW, entries: [note(NOW - DAY, 'former-kazakhstan:2')], corpus, links: links(), plan: status })));
    expect(embedText(await recapOf(running))).toContain('**The former Kazakhstan** (`former-kazakhstan`): day 4 of 9, next: `former-kazakhstan:13-15`.');
    expect(embedText(await recapOf({ ...running, next: undefined, plan: { ...plan, day: 9 } } as PlanStatus))).toContain('day 9 of 9, next: the closing post.');
    expect(embedText(await recapOf({ ...running, articleGone: true }))).toContain('The article was removed from the library');
    expect(embedText(await recapOf({ ...running, plan: { ...plan, endedOn: '2026-11-30' } }))).toContain('finished on 2026-11-30.');
    expect(embedText(await recapOf({ ...running, plan: { ...plan, endedOn: '2026-11-01' } }))).not.toContain('Reading plan');
  });

  it('GIVEN nothing in the period THEN one sentence, with the plan when one runs', async () => {
    const empty = recapView(await assembleRecap({ days: 3, now: NOW, entries: [note(NOW - 4 * DAY, 'former-kazakhstan:2')], corpus, links: links() }));
    expect(empty).toEqual({ content: 'Nothing was posted, polled or noted on this server in the last 3 days.', allowedMentions: { parse: [] } });
  });

  it('GIVEN a month of busy history with the longest titles THEN the view stays inside Discord\'s limits, lists end with "and N more", and only the entries shown have their links checked', async () => {
    const title = `${'A very long title with `markdown` and <@123> *stars* '.repeat(7)}`.slice(0, 300);
    const entries: Entry[] = [];
    for (let day = 0; day < 31; day++) {
      const date = new Date(NOW - day * DAY - 60_000).toISOString().slice(0, 10);
      entries.push({ ...post(date, `gone-article:${day + 1000}-${day + 1009}`, { title }), at: NOW - day * DAY - 60_000 });
      for (let n = 0; n < 20; n++) {
        entries.push({ ...poll(NOW - day * DAY - n * 1000, `former-kazakhstan:${n + 1}`, [9999, 9999, 9999], n % 2 === 0), title });
        entries.push(note(NOW - day * DAY - n * 1000, `gone-article:${day * 20 + n + 1}`, title));
      }
    }
    const seen: Entry[][] = [];
    const recap = await assembleRecap({ days: 31, now: NOW, entries, corpus, links: links({}, seen) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(SHOWN_POSTS + SHOWN_POLLS);
    const body = expectWithinLimits(recapView(recap));
    const embed = body.embeds![0]!;
    expect(embed.description).toMatch(/…and \d+ more$/);
    const fields = embed.fields as Array<{ name: string; value: string }>;
    expect(fields.map((field) => field.name)).toEqual(['Polls', 'Most noted']);
    for (const field of fields) expect(field.value).toMatch(/…and \d+ more$/);
    expect(recapView(recap).allowedMentions).toEqual({ parse: [] });
  });
});
