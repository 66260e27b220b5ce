import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/library/corpus.js';
import type { Entry } from '../../../src/features/history/entry.js';
import { historyId, historyPageId, notesPageId } from '../../../src/features/history/ids.js';
import { historyLine, historyPage, historyView, noteAddedReply, noteRemovedReply, notesPage, notesView } from '../../../src/features/history/views.js';
import type { EntryLinks } from '../../../src/features/history/entry.js';
import { passageView } from '../../../src/features/passage/views.js';
import { embedText, expectWithinLimits } from '../../helpers/payload.js';

// The worst cases: the longest snowflakes and article id, 4-digit paragraphs, the longest titles,
// notes of 1,000 characters that Markdown escaping doubles, and text that tries to ping.
const GUILD = '18446744073709551615';
const ARTICLE = `${'a-'.repeat(29)}zz`;
const REF = `${ARTICLE}:9998-9999`;
const TITLE = 'T'.repeat(300);
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T12:00:00Z');
const PINGS = '@everyone @here <@&123> <@456> ';
const MARKDOWN = '*_~`|>#-'.repeat(125);

const note = (i: number, text = MARKDOWN): Entry => ({
  id: `note:${i.toString(36).padStart(6, '0')}`,
  kind: 'note',
  at: START + i * DAY,
  ref: REF,
  title: TITLE,
  note: { authorId: GUILD, text: (PINGS + text).slice(0, 1000) },
});
const post = (i: number, kind: 'daily' | 'plan' = 'daily'): Entry => ({
  id: `daily:${new Date(START + i * DAY).toISOString().slice(0, 10)}`,
  kind,
  at: START + i * DAY,
  ref: REF,
  title: TITLE,
  channelId: GUILD,
  messageId: GUILD,
  threadId: GUILD,
  prompt: (PINGS + MARKDOWN).slice(0, 1000),
});
const poll = (i: number, closed = true): Entry => ({
  id: `poll:${i.toString(36).padStart(10, 'p')}`,
  kind: 'poll',
  at: START + i * DAY,
  ref: REF,
  title: TITLE,
  channelId: GUILD,
  messageId: GUILD,
  poll: { options: Array.from({ length: 10 }, (_, o) => `${'O'.repeat(99)}${o}`), counts: Array.from({ length: 10 }, () => 999_999), voters: 9_999_999, closed },
});

/** Every kind, newest first, as the history service returns them. */
const everything = (n: number): Entry[] =>
  Array.from({ length: n }, (_, i) => [note, post, (j: number) => post(j, 'plan'), poll][i % 4]!(i)).sort((a, b) => b.at - a.at);

const listing = (entries: Entry[], page = 1) => ({ guildId: GUILD, articleId: ARTICLE, from: 9998, to: 9999, page, title: TITLE, entries });
const allLinks = (entries: Entry[], deleted = false): EntryLinks[] =>
  entries.map((entry) => ({
    ...(entry.messageId && { message: { url: `https://discord.com/channels/${GUILD}/${GUILD}/${GUILD}`, deleted } }),
    ...(entry.threadId && { thread: { url: `https://discord.com/channels/${GUILD}/${GUILD}`, deleted, messageCount: Number.MAX_SAFE_INTEGER } }),
  }));
const idsOf = (body: { components?: unknown[] }) => ((body.components ?? []) as Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }>).flatMap((row) => row.components);

describe('the history line', () => {
  it('GIVEN posts, a poll and notes THEN one line tells them', () => {
    const line = historyLine({ discussed: 3, lastDiscussed: '2026-11-30', poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [6, 2, 1], voters: 9, closed: true }, notes: 4 });
    expect(line).toBe('Discussed 3 times, last on 2026-11-30 · poll: 6 agree, 2 disagree, 1 unsure · 4 notes');
  });

  it('GIVEN zeros THEN their parts are left out, and no history at all gives no line', () => {
    expect(historyLine({ discussed: 0, notes: 1 })).toBe('1 note');
    expect(historyLine({ discussed: 1, lastDiscussed: '2026-01-01', poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [0, 0, 0], voters: 0, closed: false }, notes: 0 })).toBe('Discussed once, last on 2026-01-01');
    expect(historyLine({ discussed: 0, poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [0, 3, 0], voters: 3, closed: true }, notes: 0 })).toBe('poll: 3 disagree');
    expect(historyLine({ discussed: 0, notes: 0 })).toBeUndefined();
  });

  it('GIVEN the longest article and range THEN the passage shows the line and a History button whose id fits and carries the server', () => {
    const paragraphs = Array.from({ length: 9999 }, (_, i) => ({ ref: `${ARTICLE}:${i + 1}`, articleId: ARTICLE, paragraph: i + 1, text: 'word '.repeat(400) }));
    const article = { id: ARTICLE, title: 'T'.repeat(200), kind: 'essay', source: 'S'.repeat(200), paragraphs } as unknown as Article;
    const line = historyLine({ discussed: 9999, lastDiscussed: '2026-01-01', poll: poll(1).poll, notes: 100 })!;
    const body = expectWithinLimits(passageView({ article, from: 9998, to: 9999, passages: paragraphs.slice(9997) }, { guildId: GUILD, line }));
    expect(embedText(body)).toContain('Discussed 9999 times');
    const button = idsOf(body).find((c) => c.custom_id.startsWith('passage:hist:'))!;
    expect(historyId.decode(button.custom_id)).toEqual({ guildId: GUILD, articleId: ARTICLE, from: 9998, to: 9999, page: 1 });
    expect(idsOf(expectWithinLimits(passageView({ article, from: 1, to: 1, passages: paragraphs.slice(0, 1) })))).toHaveLength(3);
  });
});

describe('the History list', () => {
  it('GIVEN 400 entries of every kind at their longest THEN every page fits, shows each entry once, newest first', () => {
    const entries = everything(400);
    const first = historyPage(listing(entries));
    expect(first.pages).toBeGreaterThan(400 / 6 - 1);
    const seen: string[] = [];
    for (let page = 1; page <= first.pages; page++) {
      const shown = historyPage(listing(entries, page));
      expect(shown.shown.length).toBeGreaterThan(0);
      expect(shown.shown.length).toBeLessThanOrEqual(6);
      // Links checked live on some pages, deleted on others.
      const view = historyView(shown, allLinks(shown.shown, page % 2 === 0));
      const body = expectWithinLimits(view);
      expect(view.allowedMentions).toEqual({ parse: [] });
      const [newer, older] = idsOf(body);
      expect(historyPageId.decode(newer!.custom_id)).toMatchObject({ guildId: GUILD, page: page - 1 });
      expect(historyPageId.decode(older!.custom_id)).toMatchObject({ guildId: GUILD, page: page + 1 });
      expect([newer!.disabled, older!.disabled]).toEqual([page === 1, page === first.pages]);
      seen.push(...shown.shown.map((entry) => entry.id));
    }
    expect(seen).toEqual(entries.map((entry) => entry.id));
  });

  it('GIVEN links checked THEN live ones are links with the reply count and deleted ones say so as text', () => {
    const entries = [post(2), poll(1)];
    const shown = historyPage(listing(entries));
    const live = embedText(expectWithinLimits(historyView(shown, [{ message: { url: 'https://discord.com/channels/1/2/3', deleted: false }, thread: { url: 'https://discord.com/channels/1/3', deleted: false, messageCount: 4 } }, { message: { url: 'https://discord.com/channels/1/2/5', deleted: false } }])));
    expect(live).toContain('[message](https://discord.com/channels/1/2/3) · [thread](https://discord.com/channels/1/3) (4 replies)');
    expect(live).toContain('[message](https://discord.com/channels/1/2/5)');
    const gone = embedText(expectWithinLimits(historyView(shown, [{ message: { url: 'https://discord.com/channels/1/2/3', deleted: true }, thread: { url: 'https://discord.com/channels/1/3', deleted: true } }, {}])));
    expect(gone).toContain('message deleted · thread deleted');
    expect(gone).not.toContain('https://');
  });

  it('GIVEN an open poll and a page past the end THEN the poll says open and the last page is shown', () => {
    const shown = historyPage(listing([poll(1, false)], 99));
    expect(shown.page).toBe(1);
    const body = expectWithinLimits(historyView(shown, [{}]));
    expect(embedText(body)).toMatch(/Poll on `[^`]+` · open/);
    expect(idsOf(body)).toEqual([]);
  });

  it('GIVEN no history THEN the list says so', () => {
    expect(embedText(expectWithinLimits(historyView(historyPage(listing([])), [])))).toContain('Nothing has happened to');
  });
});

describe('notes', () => {
  it('GIVEN 300 notes of 1,000 characters THEN every page fits, with ids, mentions that ping nobody and dates', () => {
    const notes = Array.from({ length: 300 }, (_, i) => note(i)).reverse();
    const first = notesPage(listing(notes));
    const seen: string[] = [];
    for (let page = 1; page <= first.pages; page++) {
      const view = notesView(notesPage(listing(notes, page)));
      const body = expectWithinLimits(view);
      expect(view.allowedMentions).toEqual({ parse: [] });
      expect(embedText(body)).toContain(`<@${GUILD}>`);
      seen.push(...[...embedText(body).matchAll(/note `#([0-9a-z]{6})`/g)].map((match) => `note:${match[1]}`));
      for (const component of idsOf(body)) expect(notesPageId.decode(component.custom_id)?.guildId).toBe(GUILD);
    }
    expect(seen).toEqual(notes.map((entry) => entry.id));
  });

  it('GIVEN a short note THEN it is shown whole with its id, author and date', () => {
    const text = embedText(expectWithinLimits(notesView(notesPage(listing([note(0, 'Compare with **1995**.')])))));
    expect(text).toContain('**2026-01-01** · note `#000000` by <@18446744073709551615>');
    expect(text).toContain('Compare with \\\\*\\\\*1995\\\\*\\\\*.');
  });

  it('GIVEN the longest note THEN the confirmations fit and ping nobody', () => {
    const added = noteAddedReply(note(1));
    expect(embedText(expectWithinLimits(added))).toContain('/note remove id:000001');
    expect(added.allowedMentions).toEqual({ parse: [] });
    expect(expectWithinLimits(noteRemovedReply(note(1))).content).toBe(`Removed note \`#000001\` from \`${REF}\`.`);
  });
});
