// SPEC section 12, the rows no other file covers: 429s (route and global) on every kind of
// request, gateway drops and invalid sessions, forged ids and admin commands sent directly by
// a member, a role deleted, the bot removed, a guild unavailable, and unreadable records.
// Covered elsewhere: the daily claim and kill -9 (daily-faults), a slow or stopped store
// (store-faults), polls and kill -9, the close guard and 403 on edits (polls-faults), a deleted
// daily channel (daily), 10,000 generated inputs (generated-inputs).
import KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionRun, MessageRecord, SlashInput } from '@marginalia/loopback';
import { startBotProcess } from '../../tools/bot-process.js';
import { componentsOf, customIdOf, expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';
import { sqliteKeysNaming } from '../helpers/raw-store.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that every server made below has them.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const world = () => session.lb.world;
const slash = (input: SlashInput) => session.lb.driver.slash(input);
const requests = () => session.lb.requests;

let servers = 0;
/** A new server of this file's own, named in order. */
const addServer = () => newServer(session, `Fault group ${(servers += 1)}`);

const run = (server: TestServer, user: 'admin' | 'member', name: string, subcommand?: string, options: SlashInput['options'] = {}) =>
  slash({ user: server[user], channel: server.channelId, name, ...(subcommand ? { subcommand } : {}), options });
const answer = async (server: TestServer, user: 'admin' | 'member', name: string, subcommand?: string, options: SlashInput['options'] = {}) =>
  (await run(server, user, name, subcommand, options)).reply();

/** Bot messages in a channel, in their current state. */
const botPosts = (channelId: string) => world().messages(channelId).filter((m) => m.authorId === world().bot.id);
const dailyPosts = (channelId: string) => botPosts(channelId).filter((m) => m.embeds.length > 0 && textOf(m).includes('Discuss'));

/** Statuses of the requests made since `from` whose method and path match. */
function statuses(from: number, method: string, path: RegExp): number[] {
  return requests()
    .slice(from)
    .filter((r) => r.method === method && path.test(r.path))
    .map((r) => r.status);
}

/** A refusal as SPEC section 12 wants it: private, one sentence, nothing of ours leaking. */
function expectClearRefusal(reply: MessageRecord, what = ''): void {
  const said = `${what} got ${JSON.stringify(textOf(reply))}`;
  expect(reply.ephemeral, said).toBe(true);
  expect(reply.content.trim(), said).toMatch(/^[^\n]+[.?!)]$/);
  expect(reply.content, said).not.toMatch(/something went wrong|error id|invalid input|undefined|\[object/i);
}

/** HH:MM in UTC of the next minute boundary at least `leadMs` away, and when it is. */
function nextMinute(leadMs: number): { hhmm: string; at: number } {
  const at = Math.ceil((Date.now() + leadMs) / 60_000) * 60_000;
  const date = new Date(at);
  return { hhmm: `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`, at };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('429 on callbacks, follow-ups, posts, threads and edits', () => {
  for (const scope of ['route', 'global'] as const) {
    const global = scope === 'global';

    it(`GIVEN a ${scope} 429 on the interaction callback THEN the reply arrives exactly once`, async () => {
      const server = await addServer();
      const from = requests().length;
      session.lb.faults.inject({ method: 'POST', route: '/interactions/:id/:token/callback', status: 429, retryAfter: 0.5, global });
      const articles = await run(server, 'member', 'articles');
      const reply = await articles.reply();
      expect(textOf(reply)).toContain('Articles');
      expect(articles.record.callbacks).toHaveLength(1);
      expect(articles.record.followUpIds).toEqual([]);
      expect(statuses(from, 'POST', new RegExp(`^/interactions/${articles.id}/`))).toEqual([429, 204]);
    });

    it(`GIVEN a ${scope} 429 on the interaction webhook (a deferred reply's edit) THEN the reply arrives exactly once`, async () => {
      const server = await addServer();
      const from = requests().length;
      const webhook = /^\/webhooks\/\d+\/[^/]+(?:\/messages\/(?:@|%40)original)?$/;
      session.lb.faults.inject({ route: webhook, status: 429, retryAfter: 0.5, global });
      // A search keeps its pages in the store, so it is acknowledged first and its results come through the webhook.
      const search = await run(server, 'member', 'passage', 'search', { query: 'Kazakhstan' });
      const reply = await search.reply();
      session.lb.faults.clear();
      await sleep(500);
      expect(textOf(reply)).toContain('Passages matching');
      expect(search.record.callbacks).toHaveLength(1);
      // Nothing through the webhook would mean the search no longer defers: then pick a command that does.
      const made = requests().slice(from).filter((r) => webhook.test(r.path)).map((r) => `${r.method} ${r.status}`);
      expect(made).toEqual([expect.stringMatching(/^(?:POST|PATCH) 429$/), expect.stringMatching(/^(?:POST|PATCH) 200$/)]);
      expect(search.record.followUpIds).toEqual([]);
      expect(search.messages).toHaveLength(1);
    });

    it(`GIVEN a ${scope} 429 on the daily post and on its thread THEN one post and one thread`, async () => {
      const server = await addServer();
      const set = await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: '06:00', thread: true });
      expect(set.content).toContain('The daily post is set');
      const from = requests().length;
      session.lb.faults.inject({ method: 'POST', route: `/channels/${server.channelId}/messages`, status: 429, retryAfter: 0.5, global });
      session.lb.faults.inject({ method: 'POST', route: `/channels/${server.channelId}/messages/:message/threads`, status: 429, retryAfter: 0.5, global });
      const now = await answer(server, 'admin', 'daily', 'now');
      expect(now.content).toContain("Today's post");
      await expect.poll(() => world().threads(server.channelId).length, { timeout: 5000 }).toBe(1);
      await sleep(1000);
      expect(dailyPosts(server.channelId)).toHaveLength(1);
      expect(world().threads(server.channelId)).toHaveLength(1);
      expect(statuses(from, 'POST', new RegExp(`^/channels/${server.channelId}/messages$`))).toEqual([429, 200]);
      expect(statuses(from, 'POST', new RegExp(`^/channels/${server.channelId}/messages/\\d+/threads$`))).toEqual([429, 201]);
    });

    it(`GIVEN a ${scope} 429 on the poll message's edit after a vote THEN the edit lands exactly once`, async () => {
      const server = await addServer();
      const poll = await answer(server, 'admin', 'poll', 'create', { question: 'Ready?', options: 'Yes | No', duration: '1h' });
      const from = requests().length;
      session.lb.faults.inject({ method: 'PATCH', route: `/channels/${server.channelId}/messages/${poll.id}`, status: 429, retryAfter: 0.5, global });
      const vote = await (await session.lb.driver.click({ user: server.member, message: poll, customId: customIdOf(poll, /^poll:vote:.*:0$/) })).reply();
      expect(vote.content).toMatch(/Yes/);
      await expect.poll(() => statuses(from, 'PATCH', new RegExp(`/messages/${poll.id}$`)), { timeout: 8000 }).toEqual([429, 200]);
      await sleep(2500);
      expect(statuses(from, 'PATCH', new RegExp(`/messages/${poll.id}$`))).toEqual([429, 200]);
      expect(textOf(world().message(poll.id)!)).toMatch(/1 vote/);
    });
  }
});

describe('the gateway dropped, resumed and invalidated', () => {
  it('GIVEN a resume, an invalid session, a non-resumable close and an outage across a daily post and a poll close THEN each interaction after a reconnect is answered, one post is made and the poll closes once', async () => {
    const server = await addServer();
    const due = nextMinute(20_000);
    const set = await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: due.hhmm, timezone: 'UTC', thread: false });
    expect(set.content).toContain('The daily post is set');
    // Polls run 30 s at least: it closes with the post, or a little after it, within the same outage.
    const seconds = Math.max(30, Math.round((due.at - Date.now()) / 1000));
    const closesAt = Date.now() + seconds * 1000;
    const poll = await answer(server, 'admin', 'poll', 'create', { question: 'Across the outage?', options: 'Yes | No', duration: `${seconds}s` });
    const articles = async () => textOf(await answer(server, 'member', 'articles'));

    // Resumable: the session resumes and misses nothing.
    const resumes = session.lb.faults.resumes.length;
    expect(session.lb.faults.dropGateway()).toBe(1);
    await expect.poll(() => session.lb.faults.resumes.length, { timeout: 10_000 }).toBe(resumes + 1);
    expect(await articles()).toContain('Articles');

    // Invalid session, not resumable: the bot identifies again and gets READY and every GUILD_CREATE again.
    const sessions = session.lb.gateway.sessions.size;
    session.lb.faults.dropGateway({ invalidate: true });
    await expect.poll(() => session.lb.gateway.liveSessions().length === 1 && session.lb.gateway.sessions.size === sessions, { timeout: 15_000 }).toBe(true);
    expect(await articles()).toContain('Articles');

    // Closed with 4009 Session timed out: Discord refuses the RESUME, and the bot identifies again.
    const before = new Set(session.lb.gateway.sessions.keys());
    const resumed = session.lb.faults.resumes.length;
    session.lb.faults.dropGateway({ code: 4009 });
    await expect.poll(() => session.lb.gateway.liveSessions().some((s) => !before.has(s.id)), { timeout: 15_000 }).toBe(true);
    expect(session.lb.faults.resumes.length).toBe(resumed);
    expect(await articles()).toContain('Articles');

    // An outage with an invalid session across the moment the post is due and the poll closes.
    const outageEnds = Math.max(due.at, closesAt) + 6000;
    await sleep(due.at - Date.now() - 4000);
    session.lb.faults.dropGateway({ invalidate: true, holdMs: outageEnds - Date.now() });
    await sleep(outageEnds - Date.now() + 2000);
    await session.lb.waitForBot({ timeoutMs: 15_000 });
    expect(await articles()).toContain('Articles');

    await expect.poll(() => dailyPosts(server.channelId).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => textOf(world().message(poll.id)!), { timeout: 10_000 }).toMatch(/Poll closed/);
    await sleep(3000);
    expect(dailyPosts(server.channelId)).toHaveLength(1);
    const announcements = botPosts(server.channelId).filter((m) => m.content.includes('Poll closed') && m.content.includes('Across the outage'));
    expect(announcements).toHaveLength(1);
    expect(textOf(await answer(server, 'member', 'daily', 'status'))).toMatch(/Last post[\s\S]*\d{4}-\d{2}-\d{2}/);
  }, 120_000);
});

describe('forged or outdated component ids, and admin commands sent by a member', () => {
  it('GIVEN a plain member sending /daily set, now, off and /settings set, reset directly THEN each is refused privately in one sentence and nothing changes', async () => {
    const server = await addServer();
    await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: '07:30', timezone: 'UTC', thread: false });
    await answer(server, 'admin', 'settings', 'set', { results_per_page: 3 });
    const before = [textOf(await answer(server, 'member', 'daily', 'status')), textOf(await answer(server, 'member', 'settings', 'show'))];

    for (const [name, subcommand, options] of [
      ['daily', 'set', { channel: server.channelId, time: '09:00', days: 'weekends' }],
      ['daily', 'now', {}],
      ['daily', 'off', {}],
      ['settings', 'set', { public_replies: true, results_per_page: 9 }],
      ['settings', 'reset', {}],
    ] as const) {
      const reply = await answer(server, 'member', name, subcommand, options);
      expectClearRefusal(reply);
      expect(reply.content).toContain('Manage Server');
    }
    expect([textOf(await answer(server, 'member', 'daily', 'status')), textOf(await answer(server, 'member', 'settings', 'show'))]).toEqual(before);
    expect(botPosts(server.channelId).filter((m) => m.embeds.length)).toEqual([]);
  });

  it("GIVEN forged ids (unknown prefixes, 100 characters, another server's poll and search, a closed poll's button) THEN each is refused privately in one sentence and no message or tally changes", async () => {
    const here = await addServer();
    const there = await addServer();
    const theirPoll = await answer(there, 'admin', 'poll', 'create', { question: 'Theirs?', options: 'Yes | No', duration: '1h' });
    const theirSearch = await answer(there, 'admin', 'passage', 'search', { query: 'Kazakhstan' });
    const ourPoll = await answer(here, 'admin', 'poll', 'create', { question: 'Ours?', options: 'Yes | No', duration: '1h' });
    // Another creator: a member may start one poll per cooldown.
    const closed = await answer(here, 'member', 'poll', 'create', { question: 'Over?', options: 'Yes | No', duration: '30s' });
    const closedVote = customIdOf(closed, /^poll:vote:.*:0$/);
    // The server's poll index is written just after the poll message goes out.
    await sleep(500);
    expect((await answer(here, 'member', 'poll', 'close', { poll: closedVote.split(':')[2]! })).content).toMatch(/Closed poll/);
    await expect.poll(() => textOf(world().message(closed.id)!), { timeout: 5000 }).toMatch(/Poll closed/);
    await sleep(1500);
    const theirVote = customIdOf(theirPoll, /^poll:vote:.*:0$/);
    const theirPage = componentsOf(theirSearch).find((c) => c.custom_id?.startsWith('passage:page:'))?.custom_id ?? 'passage:page:abcdefgh:2:next';
    const theirPick = componentsOf(theirSearch).find((c) => c.custom_id?.startsWith('passage:pick:'))?.custom_id;
    const snapshot = (m: MessageRecord) => ({ edits: world().message(m.id)!.edits, text: textOf(world().message(m.id)!) });
    const watched = [theirPoll, ourPoll, closed];
    const before = watched.map(snapshot);

    const forged: Array<{ customId: string; values?: string[]; on: MessageRecord }> = [
      { customId: 'daily:now', on: ourPoll },
      { customId: 'settings:reset', on: ourPoll },
      { customId: 'help:', on: ourPoll },
      { customId: ':', on: ourPoll },
      { customId: 'x'.repeat(100), on: ourPoll },
      { customId: `poll:vote:${'9'.repeat(20)}:0`, on: ourPoll },
      { customId: theirVote, on: ourPoll },
      { customId: theirPage, on: ourPoll },
      ...(theirPick ? [{ customId: theirPick, values: ['former-kazakhstan:1'], on: ourPoll }] : []),
      { customId: closedVote, on: closed },
      { customId: 'passage:page:outdated0000:2:next', on: ourPoll },
    ];
    for (const { customId, values, on } of forged) {
      const input = { user: here.member, message: on, customId, unchecked: true };
      const clicked: InteractionRun = values ? await session.lb.driver.select({ ...input, values }) : await session.lb.driver.click(input);
      const reply = await clicked.reply();
      expect(reply.id, customId).not.toBe(on.id);
      expectClearRefusal(reply, customId);
      expect(textOf(reply), customId).not.toMatch(/Theirs|Kazakhstan/);
    }
    await sleep(2000);
    expect(watched.map(snapshot)).toEqual(before);
  });
});

describe('a role deleted, the bot removed, a guild unavailable', () => {
  it('GIVEN the daily ping role deleted THEN the post pings nobody and /daily status says the role is gone', async () => {
    // The default server, whose roles the bot has had since it logged in.
    const guild = world().defaultGuild;
    const server: TestServer = { guildId: guild.id, channelId: world().channels.general!.id, admin: world().users.admin!.id, member: world().users.member!.id };
    const role = world().role(guild.id, 'Readers')!;
    const set = await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: '06:00', thread: false, role: role.id });
    expect(set.content).toContain('The daily post is set');
    world().deleteRole(server.guildId, role.id);
    await sleep(300);
    const status = textOf(await answer(server, 'member', 'daily', 'status'));
    expect(status).not.toContain(`<@&${role.id}>`);
    expect(status).toMatch(/deleted/);
    expect((await answer(server, 'admin', 'daily', 'now')).content).toContain("Today's post");
    await expect.poll(() => dailyPosts(server.channelId).length, { timeout: 5000 }).toBe(1);
    expect(dailyPosts(server.channelId)[0]!.pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it("GIVEN the bot removed from a server THEN nothing in the store names that server any more: settings, schedule, polls, searches, history", async () => {
    const server = await addServer();
    await answer(server, 'admin', 'settings', 'set', { results_per_page: 4, cooldown_seconds: 0 });
    await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: '06:00', thread: false });
    await answer(server, 'admin', 'poll', 'create', { question: 'Stay?', options: 'Yes | No', duration: '1h' });
    await answer(server, 'admin', 'poll', 'passage', { ref: 'former-kazakhstan:4' });
    await answer(server, 'admin', 'daily', 'now');
    await expect.poll(async () => (await rowsNaming(server.guildId)).filter((key) => key.startsWith('history')).length, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    await answer(server, 'member', 'passage', 'search', { query: 'Kazakhstan' });
    expect(await rowsNaming(server.guildId)).not.toEqual([]);

    world().removeBot(server.guildId);
    await expect.poll(() => rowsNaming(server.guildId), { timeout: 10_000 }).toEqual([]);
  });

  it('GIVEN a server unavailable for a while (GUILD_DELETE with unavailable) THEN its data is kept and it works again when it is back', async () => {
    const server = await addServer();
    await answer(server, 'admin', 'settings', 'set', { results_per_page: 4 });
    await answer(server, 'admin', 'daily', 'set', { channel: server.channelId, time: '06:00', thread: false });
    const before = await rowsNaming(server.guildId);
    const status = textOf(await answer(server, 'member', 'daily', 'status'));

    world().guildUnavailable(server.guildId);
    await sleep(1500);
    expect(await rowsNaming(server.guildId)).toEqual(before);
    world().guildAvailable(server.guildId);
    await sleep(500);
    expect(textOf(await answer(server, 'member', 'daily', 'status'))).toEqual(status);
    expect(textOf(await answer(server, 'member', 'settings', 'show'))).toMatch(/results_per_page\D+4/);
    expect(await rowsNaming(server.guildId)).toEqual(before);
  });
});

/** The store file behind the session, opened as another process would. */
function sqlite(): KeyvSqlite {
  return new KeyvSqlite(session.storeUrl);
}

const rowsNaming = (guildId: string) => sqliteKeysNaming(session.storeUrl, guildId);

describe('a stored record that fails validation', () => {
  it('GIVEN unreadable daily, poll-index, settings and poll records of one server THEN the bot starts, warns, that server can start over, and another server still gets its post', async () => {
    const broken = await addServer();
    const healthy = await addServer();
    // Due before the restart (then made by the start-up catch-up) or after it (by the scheduler): either way it must come.
    const due = nextMinute(10_000);
    expect((await answer(healthy, 'admin', 'daily', 'set', { channel: healthy.channelId, time: due.hhmm, timezone: 'UTC', thread: false })).content).toContain('The daily post is set');
    await answer(broken, 'admin', 'daily', 'set', { channel: broken.channelId, time: '06:00', thread: false });
    await answer(broken, 'admin', 'settings', 'set', { results_per_page: 4 });
    const poll = await answer(broken, 'admin', 'poll', 'create', { question: 'Broken?', options: 'Yes | No', duration: '1h' });
    const vote = customIdOf(poll, /^poll:vote:.*:0$/);
    const pollId = vote.split(':')[2]!;

    await session.bot.stop();
    const db = sqlite();
    try {
      await db.set(`daily:${broken.guildId}`, 'not json {');
      await db.set(`poll-index:${broken.guildId}`, '{"value": [1, 2');
      await db.set(`settings:${broken.guildId}`, JSON.stringify({ value: { public_replies: 'yes', results_per_page: 99 }, expires: null }));
      await db.set(`polls:${pollId}`, JSON.stringify({ value: { id: pollId, votes: 'many' }, expires: null }));
    } finally {
      await db.disconnect();
    }
    session.bot = await startBotProcess(session.lb, { storeUrl: session.storeUrl });

    // The broken server: clear answers, and a way to start over.
    const status = await answer(broken, 'member', 'daily', 'status');
    expect(status.content).not.toMatch(/something went wrong|error id/i);
    expect(status.content).toMatch(/\/daily set/);
    expect((await answer(broken, 'admin', 'daily', 'set', { channel: broken.channelId, time: '07:00', thread: false })).content).toContain('The daily post is set');
    expect(textOf(await answer(broken, 'member', 'settings', 'show'))).toMatch(/results_per_page/);
    const clicked = await (await session.lb.driver.click({ user: broken.member, message: poll, customId: vote })).reply();
    expectClearRefusal(clicked);
    const warned = session.bot.logs.filter((line) => Number(line.level) === 40 && /daily|poll|settings/.test(JSON.stringify(line)));
    expect(warned.length).toBeGreaterThanOrEqual(3);

    // Every other server goes on: the healthy one's post comes on time.
    await expect.poll(() => dailyPosts(healthy.channelId).length, { timeout: due.at - Date.now() + 20_000, interval: 500 }).toBe(1);
    expect(session.bot.child.exitCode).toBeNull();
  }, 120_000);
});

describe('the whole run', () => {
  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
