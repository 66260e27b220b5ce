import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Entry } from '../src/features/history/entry.js';
import { createHistoryService } from '../src/features/history/service.js';
import { createSettingsService } from '../src/features/settings/service.js';
import { openStore, type Namespace } from '../src/lib/store.js';
import type { Row } from './run-one.js';
import { percentile } from './stats.js';

/**
 * Discussion memory (SPEC section 11, issue 14), on the default SQLite store:
 *
 * - A busy server's year: every day a daily post with its thread, a passage poll every third
 *   day (recorded open, then closed with counts), and BENCH_HISTORY_NOTES notes a day (default
 *   5, 40 to 1,000 characters), over 4 articles of 50 paragraphs; beside it BENCH_HISTORY_SERVERS
 *   quieter servers (default 300) with 30 days each, so the store is a shared one.
 * - What members meet: the history of each of the 200 paragraphs (`/passage show`'s line and
 *   History), `/recap` of 7 and 31 days, and adding a note; and the retention sweep of every
 *   server after `history_days` drops to 30.
 * - The peer, in the same run: the naive design of one record per server holding its whole
 *   history (read whole and filtered for a passage or a period, read and rewritten for a note).
 */
const NOTES_PER_DAY = Number(process.env.BENCH_HISTORY_NOTES ?? 5);
const QUIET_SERVERS = Number(process.env.BENCH_HISTORY_SERVERS ?? 300);
const DAYS = 365;
const ARTICLES = 4;
const PARAGRAPHS = 50;
const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2025-12-01T09:00:00Z');
const BUSY = '100000000000000000';
const CHANNEL = '100000000000000001';
const AUTHOR = '100000000000000002';

const silent = pino({ level: 'silent' });
const ms = (value: number) => (value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const guildOf = (n: number) => String(200_000_000_000_000_000n + BigInt(n));

/** mulberry32: the same data every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'reading passage claim evidence speaker protest power clan steppe market border treaty archive witness memory rumour question answer language translation'.split(' ');

function noteText(next: () => number): string {
  const length = 40 + Math.floor(next() * 960);
  let text = '';
  while (text.length < length) text += `${WORDS[Math.floor(next() * WORDS.length)]} `;
  return text.slice(0, length).trim();
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function samples(count: number, work: (at: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let at = 0; at < count; at++) times.push((await timed(() => work(at)))[1]);
  return times.sort((a, b) => a - b);
}

const medianP99 = (sorted: number[]) => `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.99))}`;

/** The naive design: a server's whole history in one record. */
function naiveHistory(records: Namespace) {
  const all = async (guildId: string) => ((await records.get(guildId)) as Entry[] | undefined) ?? [];
  return {
    async record(guildId: string, entry: Entry) {
      const entries = (await all(guildId)).filter((old) => old.id !== entry.id);
      entries.push(entry);
      await records.set(guildId, entries);
    },
    async ofPassage(guildId: string, articleId: string, paragraph: number) {
      return (await all(guildId)).filter((entry) => entry.ref === `${articleId}:${paragraph}` || entry.ref.startsWith(`${articleId}:${paragraph}-`));
    },
    async since(guildId: string, sinceMs: number) {
      return (await all(guildId)).filter((entry) => entry.at >= sinceMs);
    },
  };
}

export async function benchHistory(): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-history-'));
  const store = openStore(`sqlite://${path.join(dir, 'store.sqlite')}`);
  const clock = { now: START };
  const settings = createSettingsService({ store, logger: silent });
  const history = createHistoryService({ store, logger: silent, settings, now: () => clock.now });
  const naive = naiveHistory(store.namespace('bench-naive-history'));
  const next = random(42);
  const articleId = (n: number) => `generated-article-${n}`;
  const refAt = (n: number) => ({ articleId: articleId(n % ARTICLES), paragraph: 1 + (Math.floor(n / ARTICLES) % PARAGRAPHS) });
  let messageIds = 300_000_000_000_000_000n;
  const messageId = () => String((messageIds += 1n));
  const rows: Row[] = [];
  try {
    // The busy server's year, written through both designs.
    let entries = 0;
    const writes: number[] = [];
    const naiveWrites: number[] = [];
    const both = async (entry: Entry) => {
      writes.push((await timed(() => history.record(BUSY, entry)))[1]);
      naiveWrites.push((await timed(() => naive.record(BUSY, entry)))[1]);
      entries += 1;
    };
    let notes = 0;
    for (let day = 0; day < DAYS; day++) {
      clock.now = START + day * DAY;
      const date = new Date(clock.now).toISOString().slice(0, 10);
      const place = refAt(day * 7);
      const posted = messageId();
      await both({ id: `daily:${date}`, kind: 'daily', at: clock.now, ref: `${place.articleId}:${place.paragraph}`, title: 'A generated article', prompt: 'What does the author assume here?', channelId: CHANNEL, messageId: posted, threadId: posted });
      if (day % 3 === 0) {
        const poll = refAt(day * 5 + 1);
        const base = { id: `poll:bench${String(day).padStart(6, '0')}`, kind: 'poll' as const, at: clock.now + 1000, ref: `${poll.articleId}:${poll.paragraph}`, title: 'A generated article', channelId: CHANNEL, messageId: messageId() };
        await both({ ...base, poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [0, 0, 0], voters: 0, closed: false } });
        await both({ ...base, poll: { options: ['Agree', 'Disagree', 'Unsure'], counts: [6, 2, 1], voters: 9, closed: true } });
      }
      for (let note = 0; note < NOTES_PER_DAY; note++) {
        const on = refAt(Math.floor(next() * ARTICLES * PARAGRAPHS));
        notes += 1;
        await both({ id: `note:${(notes + 36 ** 5).toString(36).slice(-6)}`, kind: 'note', at: clock.now + 2000 + note, ref: `${on.articleId}:${on.paragraph}`, title: 'A generated article', note: { authorId: AUTHOR, text: noteText(next) } });
      }
    }
    for (let server = 0; server < QUIET_SERVERS; server++) {
      for (let day = DAYS - 30; day < DAYS; day++) {
        clock.now = START + day * DAY;
        const place = refAt(day + server);
        await history.recordPost(guildOf(server), { date: new Date(clock.now).toISOString().slice(0, 10), kind: 'daily', ref: `${place.articleId}:${place.paragraph}`, title: 'A generated article', channelId: CHANNEL, messageId: messageId() });
      }
    }
    writes.sort((a, b) => a - b);
    naiveWrites.sort((a, b) => a - b);
    rows.push({ figure: 'history: a busy server\'s year (entries; on a store shared with quieter servers)', value: `${entries.toLocaleString('en')} entries (${notes.toLocaleString('en')} notes), beside ${QUIET_SERVERS} servers × 30 posts`, target: '' });
    rows.push({ figure: 'history: recording an entry, median / p99', value: medianP99(writes), target: `one record per server: ${medianP99(naiveWrites)}` });

    const paragraphs = Array.from({ length: ARTICLES * PARAGRAPHS }, (_, n) => refAt(n));
    const passage = await samples(paragraphs.length, (n) => history.ofPassage(BUSY, paragraphs[n]!.articleId, paragraphs[n]!.paragraph, paragraphs[n]!.paragraph));
    const naivePassage = await samples(paragraphs.length, (n) => naive.ofPassage(BUSY, paragraphs[n]!.articleId, paragraphs[n]!.paragraph));
    rows.push({ figure: "history: a passage's history (/passage show, History), each of 200 paragraphs, median / p99", value: medianP99(passage), target: `one record per server: ${medianP99(naivePassage)}` });

    for (const days of [7, 31]) {
      const recap = await samples(20, () => history.since(BUSY, clock.now - days * DAY));
      const naiveRecap = await samples(20, () => naive.since(BUSY, clock.now - days * DAY));
      rows.push({ figure: `history: the entries of ${days} days (/recap ${days}), median / p99`, value: medianP99(recap), target: `one record per server: ${medianP99(naiveRecap)}` });
    }

    const added = await samples(50, (n) => history.addNote(BUSY, AUTHOR, `${paragraphs[n]!.articleId}:${paragraphs[n]!.paragraph}`, 'A generated article', noteText(next)));
    rows.push({ figure: 'history: /note add on a year-old busy server, median / p99', value: medianP99(added), target: '< 100 ms' });

    await settings.update(BUSY, { history_days: 30 });
    const guilds = [BUSY, ...Array.from({ length: QUIET_SERVERS }, (_, n) => guildOf(n))];
    const [swept, sweepMs] = await timed(() => history.sweep(guilds));
    rows.push({ figure: `history: retention sweep of ${guilds.length} servers after the busy one drops to 30 days`, value: `${swept.deleted.toLocaleString('en')} entries deleted in ${ms(sweepMs)}`, target: 'off the interaction path' });
    const [again, againMs] = await timed(() => history.sweep(guilds));
    rows.push({ figure: 'history: the next sweep, nothing old left', value: `${again.deleted} deleted in ${ms(againMs)} (${ms(againMs / guilds.length)} a server)`, target: '' });
  } finally {
    await history.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
