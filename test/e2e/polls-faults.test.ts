import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback, type MessageRecord } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess } from '../../tools/bot-process.js';
import { rawStore } from '../helpers/raw-store.js';
import { hasBinary, serversRequired, startRedis } from '../helpers/servers.js';
import { startSlowRedis, type SlowRedis } from '../helpers/slow-proxy.js';
import { componentsOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

/** SPEC section 12 for polls: forged buttons, damaged records, a dump of the store, kill -9, two processes, 403. */

interface StoredPoll {
  id: string;
  votes: Record<string, number[]>;
  result?: { counts: number[]; voters: number };
  closedAt: number | null;
}

/** Every row of the SQLite store, as a copy of the file would show it. */
async function dump(storeUrl: string): Promise<Map<string, string>> {
  const db = new KeyvSqlite({ uri: storeUrl });
  try {
    const rows = (await db.query('SELECT key, value FROM keyv')) as Array<{ key: string; value: string }>;
    return new Map(rows.map((row) => [row.key, row.value]));
  } finally {
    await db.disconnect();
  }
}

async function storedPoll(storeUrl: string, pollId: string): Promise<StoredPoll> {
  const raw = (await dump(storeUrl)).get(`polls:${pollId}`);
  if (!raw) throw new Error(`no poll ${pollId} in the store`);
  return (JSON.parse(raw) as { value: StoredPoll }).value;
}

const pollIdOf = (message: MessageRecord) => /^poll:vote:([a-z0-9]+):/.exec(componentsOf(message)[0]!.custom_id!)![1]!;
const buttonId = (message: MessageRecord, option: number) => `poll:vote:${pollIdOf(message)}:${option}`;
const isResults = (message: MessageRecord) => message.content.startsWith('📊 **Poll closed:**');

async function createPoll(lb: Loopback, user: string, options: Record<string, string | boolean>, channel?: string): Promise<MessageRecord> {
  const reply = await (await lb.driver.slash({ user, ...(channel ? { channel } : {}), name: 'poll', subcommand: 'create', options })).reply();
  expect(reply.ephemeral, reply.content).toBe(false);
  return reply;
}

async function vote(lb: Loopback, user: string, message: MessageRecord, option: number, customId = buttonId(message, option)): Promise<string> {
  const reply = await (await lb.driver.click({ user, message, customId, unchecked: true })).reply();
  expect(reply.ephemeral).toBe(true);
  return reply.content;
}

describe('polls in two servers', () => {
  let session: Session;
  let lb: Loopback;
  let otherGuild: string;
  let otherChannel: string;
  const current = (message: MessageRecord) => lb.world.message(message.id)!;

  beforeAll(async () => {
    // Commands deployed globally, so that both servers have them.
    session = await startSession({ deploy: 'global' });
    lb = session.lb;
    otherGuild = lb.world.addGuild('Another reading group').id;
    otherChannel = [...lb.world.channelsById.values()].find((channel) => channel.guildId === otherGuild && channel.name === 'general')!.id;
    for (let i = 0; i < 12; i += 1) lb.world.addMember(lb.world.defaultGuild.id, { name: `ana${i}` });
    for (const name of ['oli', 'pia']) lb.world.addMember(otherGuild, { name });
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it('GIVEN a button forged with the id of another server’s poll, or copied onto another message THEN it is refused and counted nowhere', async () => {
    const mine = await createPoll(lb, 'ana0', { question: 'Ours?', options: 'Yes | No' });
    const theirs = await createPoll(lb, 'oli', { question: 'Theirs?', options: 'Yes | No' }, otherChannel);
    const another = await createPoll(lb, 'ana1', { question: 'Another here?', options: 'Yes | No' });

    // Clicked in the other server, on its own poll's message, with our poll's id.
    expect(await vote(lb, 'oli', theirs, 0, buttonId(mine, 0))).toBe('This button does not belong to a poll I know.');
    // Clicked in our server, on another poll's message.
    expect(await vote(lb, 'ana2', another, 0, buttonId(mine, 0))).toBe('This button does not belong to a poll I know.');
    expect((await storedPoll(session.storeUrl, pollIdOf(mine))).votes).toEqual({});
    expect((await storedPoll(session.storeUrl, pollIdOf(theirs))).votes).toEqual({});
    expect((await storedPoll(session.storeUrl, pollIdOf(another))).votes).toEqual({});
    // The genuine buttons still count.
    expect(await vote(lb, 'oli', theirs, 1)).toMatch(/^Recorded your vote for \*\*No\*\*/);
    expect(await vote(lb, 'ana2', mine, 0)).toMatch(/^Recorded your vote for \*\*Yes\*\*/);
    await expect.poll(() => textOf(current(mine)), { timeout: 5_000 }).toMatch(/^1 voter/m);
  });

  it('GIVEN an anonymous poll THEN a dump of the store, with the public poll id and member ids, does not tell who voted for what; once closed no voter key is left', async () => {
    // Started by someone who does not vote: the creator's id is on the poll for all to see anyway.
    const poll = await createPoll(lb, 'admin', { question: 'Secret ballot?', options: 'Yes | No | Unsure', anonymous: true });
    const pollId = pollIdOf(poll);
    const voters = Array.from({ length: 9 }, (_, i) => lb.world.users[`ana${i + 3}`]!);
    for (const [i, voter] of voters.entries()) expect(await vote(lb, voter.username, poll, i % 3)).toMatch(/^Recorded/);

    const open = [...(await dump(session.storeUrl)).values()].join('\n');
    expect(Object.keys((await storedPoll(session.storeUrl, pollId)).votes)).toHaveLength(9);
    for (const voter of voters) {
      expect(open).not.toContain(voter.id);
      // What anyone holding the dump can compute from the footer's poll id and a member id.
      for (const encoding of ['base64url', 'base64', 'hex'] as const) {
        expect(open).not.toContain(createHash('sha256').update(`${pollId}:${voter.id}`).digest(encoding).slice(0, 22));
      }
    }

    const closed = await (await lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'close', options: { poll: pollId } })).reply();
    expect(closed.content).toContain('Closed poll');
    const record = await storedPoll(session.storeUrl, pollId);
    expect(record.votes).toEqual({});
    expect(record.result).toEqual({ counts: [3, 3, 3], voters: 9 });
    expect(Object.keys(record)).not.toContain('keyCheck');
    await expect.poll(() => textOf(current(poll)), { timeout: 5_000 }).toMatch(/Poll closed[\s\S]*33% \(3\)[\s\S]*33% \(3\)[\s\S]*33% \(3\)/);
  });

  it('GIVEN a poll that is not anonymous THEN once closed its record keeps the counts and no member id', async () => {
    const poll = await createPoll(lb, 'ana4', { question: 'Open ballot?', options: 'Yes | No' });
    expect(await vote(lb, 'ana5', poll, 0)).toMatch(/^Recorded/);
    expect(await vote(lb, 'ana6', poll, 1)).toMatch(/^Recorded/);
    await (await lb.driver.slash({ user: 'ana4', name: 'poll', subcommand: 'close', options: { poll: pollIdOf(poll) } })).reply();
    const raw = (await dump(session.storeUrl)).get(`polls:${pollIdOf(poll)}`)!;
    expect(raw).not.toContain(lb.world.users.ana5!.id);
    expect(raw).not.toContain(lb.world.users.ana6!.id);
    expect((JSON.parse(raw) as { value: StoredPoll }).value.result).toEqual({ counts: [1, 1], voters: 2 });
  });

  it('GIVEN one server’s poll index and one poll record that are not JSON THEN the bot starts, the other server’s poll closes on time, healthy polls take votes, and the damaged one says so', async () => {
    const due = await createPoll(lb, 'ana7', { question: 'Closes soon?', options: 'Yes | No', duration: '30s' });
    const healthy = await createPoll(lb, 'ana8', { question: 'Healthy?', options: 'Yes | No' });
    const damaged = await createPoll(lb, 'ana9', { question: 'Damaged?', options: 'Yes | No' });
    await createPoll(lb, 'pia', { question: 'Elsewhere?', options: 'Yes | No' }, otherChannel);
    expect(await vote(lb, 'ana10', due, 0)).toMatch(/^Recorded/);

    await session.bot.stop();
    const raw = rawStore(session.storeUrl);
    await raw.set('poll-index', otherGuild, 'this is not JSON {');
    await raw.set('polls', pollIdOf(damaged), '{"value":{"id":"trunc');
    await raw.close();
    await session.restart();

    expect(await vote(lb, 'ana10', healthy, 1)).toMatch(/^Recorded your vote for \*\*No\*\*/);
    expect(await vote(lb, 'ana11', damaged, 0)).toMatch(/^This poll is no longer stored \(.*damaged and set aside\), so your vote was not counted\.$/);
    // The other server's index did not stop this one's poll from closing on time.
    const results = () => lb.world.messages(due.channelId).filter((message) => isResults(message) && message.reference?.messageId === due.id);
    await expect.poll(() => results().length, { timeout: 45_000, interval: 500 }).toBe(1);
    expect(textOf(results()[0]!)).toContain('Winner: **Yes** with 1 of 1 voter');
    const warnings = session.bot.logs.filter((line) => typeof line.msg === 'string' && /set aside/.test(line.msg)).map((line) => line.key);
    expect(warnings).toEqual(expect.arrayContaining([otherGuild, pollIdOf(damaged)]));
  }, 90_000);

  it('GIVEN a 403 on the poll message edit THEN the poll still closes in the store, and late clicks are told so', async () => {
    const poll = await createPoll(lb, 'ana1', { question: 'Forbidden edit?', options: 'Yes | No' });
    expect(await vote(lb, 'ana2', poll, 1)).toMatch(/^Recorded/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    lb.faults.inject({ method: 'PATCH', route: `/channels/${poll.channelId}/messages/${poll.id}`, status: 403, times: 10 });
    const closed = await (await lb.driver.slash({ user: 'ana1', name: 'poll', subcommand: 'close', options: { poll: pollIdOf(poll) } })).reply();
    expect(closed.content).toContain('Closed poll');
    expect(lb.faults.hits.some((hit) => hit.status === 403 && hit.path.endsWith(poll.id))).toBe(true);
    // The message could not show it, but the store has it closed.
    expect(componentsOf(current(poll)).some((button) => !button.disabled)).toBe(true);
    expect((await storedPoll(session.storeUrl, pollIdOf(poll))).closedAt).not.toBeNull();
    expect(await vote(lb, 'ana3', poll, 0)).toMatch(/^This poll is closed/);
    lb.faults.clear();
  });

  it('GIVEN everything above THEN no limit was broken and nobody was pinged', () => {
    expectCleanRun(session);
  });
});

describe('on a store that takes 1.5 s a round trip', () => {
  const STORE_DELAY_MS = 1_500;
  const enabled = hasBinary('redis-server') || serversRequired;
  let store: SlowRedis;
  let session: Session;

  beforeAll(async () => {
    if (!enabled) return;
    store = await startSlowRedis(STORE_DELAY_MS);
    session = await startSession({ bot: { storeUrl: store.url } });
    for (let i = 0; i < 5; i += 1) session.lb.world.addMember(session.lb.world.defaultGuild.id, { name: `slow${i}` });
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await store?.stop();
  });

  it.runIf(enabled)('GIVEN /poll create and votes at once THEN each is answered within 3 s, the poll itself first, and every vote is confirmed and counted', async () => {
    const { lb } = session;
    const create = await lb.driver.slash({ user: 'slow0', name: 'poll', subcommand: 'create', options: { question: 'Slow store?', options: 'Yes | No' } });
    // The poll message is the first response, sent before the poll is stored (after at most the
    // server's settings, for the cooldown, on a cold cache).
    expect(await create.firstResponseMs(10_000)).toBeLessThan(3_000);
    const poll = await create.reply();
    const runs = await Promise.all([1, 2, 3, 4].map((i) => lb.driver.click({ user: `slow${i}`, message: poll, customId: buttonId(poll, i % 2) })));
    for (const run of runs) expect(await run.firstResponseMs(10_000)).toBeLessThan(3_000);
    const replies = await Promise.all(runs.map((run) => run.reply(20_000)));
    expect(replies.map((reply) => [reply.ephemeral, reply.content.split(' ')[0]])).toEqual(Array(4).fill([true, 'Recorded']));
    await expect.poll(() => textOf(lb.world.message(poll.id)!), { timeout: 20_000, interval: 500 }).toMatch(/^4 voters/m);
    expectCleanRun(session);
  }, 60_000);
});

describe('kill -9 in the middle of a burst of votes', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it('GIVEN the bot killed while votes arrive THEN after a restart every confirmed vote is in the tally, none twice, and the message shows the stored tally', async () => {
    const { lb } = session;
    const members = Array.from({ length: 400 }, (_, i) => lb.world.addMember(lb.world.defaultGuild.id, { name: `crowd${i}` }));
    const poll = await createPoll(lb, 'admin', { question: 'Survive a crash?', options: 'Yes | No' });
    const pollId = pollIdOf(poll);

    // Clicks arrive over about two seconds; the bot is killed partway, 300 ms after the poll's
    // second edit (edits come once a second), so votes stored since that edit are not shown yet.
    const confirmed = new Map<string, number>();
    const sent: string[] = [];
    let killed = false;
    let killAt: NodeJS.Timeout | undefined;
    const onEdit = (message: MessageRecord) => {
      if (message.id !== poll.id || message.edits < 2 || killAt) return;
      killAt = setTimeout(() => {
        killed = true;
        session.bot.child.kill('SIGKILL');
      }, 300);
    };
    lb.on('message', onEdit);
    for (const [i, member] of members.entries()) {
      if (killed) break;
      const option = i % 3 === 0 ? 1 : 0;
      sent.push(member.id);
      const run = await lb.driver.click({ user: member.id, message: poll, customId: buttonId(poll, option) });
      void run.reply(10_000).then(
        (reply) => {
          if (reply.content.startsWith('Recorded')) confirmed.set(member.id, option);
        },
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    lb.off('message', onEdit);
    expect(killed).toBe(true);
    const { child } = session.bot;
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
    expect(confirmed.size).toBeGreaterThan(20);
    expect(sent.length).toBeLessThan(members.length);
    const shownAtKill = textOf(lb.world.message(poll.id)!);

    await session.restart();
    const record = await storedPoll(session.storeUrl, pollId);
    // Every confirmed vote is there, as confirmed; nothing is there that was not clicked; one answer each.
    for (const [memberId, option] of confirmed) expect(record.votes[memberId]).toEqual([option]);
    for (const [memberId, answers] of Object.entries(record.votes)) {
      expect(sent).toContain(memberId);
      expect(answers).toHaveLength(1);
    }
    const stored = Object.values(record.votes);
    const yes = stored.filter(([option]) => option === 0).length;
    const no = stored.length - yes;
    // The message was behind the store when the bot died, and start-up redrew it.
    expect(shownAtKill).not.toMatch(new RegExp(`^${stored.length} voters`, 'm'));
    await expect.poll(() => textOf(lb.world.message(poll.id)!), { timeout: 10_000 }).toMatch(new RegExp(`^${stored.length} voters`, 'm'));
    expect(textOf(lb.world.message(poll.id)!)).toMatch(new RegExp(`\\(${yes}\\)[\\s\\S]*\\(${no}\\)`));
    expect(lb.violations).toEqual([]);
  }, 90_000);
});

/** Two bot processes on one store, both holding the server, with 20 polls closing at the same time. */
async function raceToClose(storeUrl: string): Promise<{ results: number; closedLogs: number }> {
  const lb = await startLoopback();
  const bots: BotProcess[] = [];
  try {
    await deployToLoopback(lb, { guildId: lb.world.defaultGuild.id });
    bots.push(await startBotProcess(lb, { storeUrl }));
    const creators = Array.from({ length: 20 }, (_, i) => lb.world.addMember(lb.world.defaultGuild.id, { name: `leader${i}` }));
    const polls: MessageRecord[] = [];
    for (const creator of creators) polls.push(await createPoll(lb, creator.id, { question: `Race ${creator.username}?`, options: 'Yes | No', duration: '30s' }));
    // The second process loads the same open polls from the store, so both race at each deadline.
    bots.push(await startBotProcess(lb, { storeUrl }));
    const results = () => lb.world.messages(polls[0]!.channelId).filter(isResults);
    await expect.poll(() => results().length, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(20);
    await expect.poll(() => polls.every((poll) => componentsOf(lb.world.message(poll.id)!).every((button) => button.disabled)), { timeout: 10_000 }).toBe(true);
    // Time for a second close to show up, if there were to be one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(lb.violations).toEqual([]);
    const closedLogs = bots.flatMap((bot) => bot.logs).filter((line) => line.msg === 'poll closed').length;
    return { results: results().length, closedLogs };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
    await lb.close();
  }
}

describe('two processes on one store', () => {
  it.concurrent('GIVEN 20 polls closing at once on SQLite THEN exactly 20 results messages', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-race-'));
    try {
      expect(await raceToClose(`sqlite://${path.join(dir, 'store.sqlite')}`)).toEqual({ results: 20, closedLogs: 20 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!hasBinary('redis-server') && !serversRequired).concurrent('GIVEN 20 polls closing at once on Redis THEN exactly 20 results messages', async () => {
    const redis = await startRedis();
    try {
      expect(await raceToClose(redis.url)).toEqual({ results: 20, closedLogs: 20 });
    } finally {
      await redis.stop();
    }
  }, 120_000);
});
