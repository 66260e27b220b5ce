// The daily post under faults, end to end (SPEC section 12): kill -9 between the claim and the
// post, and between the post and its record; 500 and 502 on the post, retried with backoff; 403
// on the post and on its thread; one server's unreadable schedule at start-up.
import KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashInput } from '@marginalia/loopback';
import { openStore } from '../../src/lib/store.js';
import { startBotProcess } from '../../tools/bot-process.js';
import { expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that every server made below has them.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const MINUTE = 60_000;
const world = () => session.lb.world;
const requests = () => session.lb.requests;

let servers = 0;
/** A new server of this file's own, named in order. */
const addServer = () => newServer(session, `Daily fault group ${(servers += 1)}`);

const daily = (server: TestServer, subcommand: string, options: SlashInput['options'] = {}) =>
  session.lb.driver.slash({ user: server.admin, channel: server.channelId, name: 'daily', subcommand, options });
const answer = async (server: TestServer, subcommand: string, options: SlashInput['options'] = {}) => (await daily(server, subcommand, options)).reply();
const status = async (server: TestServer) => textOf(await answer(server, 'status'));

/** The daily posts in a channel: the bot's messages with the quote embed. */
const dailyPosts = (channelId: string) => world().messages(channelId).filter((m) => m.authorId === world().bot.id && textOf(m).includes('Discuss'));
const linkTo = (server: TestServer, messageId: string) => `https://discord.com/channels/${server.guildId}/${server.channelId}/${messageId}`;

/** `HH:MM` in UTC of an instant. */
const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);
/** A time of day far from now, so that no scheduled post comes during the test. */
const farOff = () => hhmm(Date.now() + 12 * 60 * MINUTE);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 in the middle of the daily post', () => {
  // Server 1: the post held by a long 429, then the bot killed: Discord never got the post.
  // Server 2: the post made, its thread held by a long 429, then the bot killed: the post is not recorded.
  // Server 3: down for almost 6 hours; its catch-up meets a Discord that answers 500 to every post.
  // Server 4: its stored schedule is not JSON. Server 5: a healthy catch-up, which must come all the same.
  let held: TestServer;
  let unrecorded: TestServer;
  let late: TestServer;
  let broken: TestServer;
  let healthy: TestServer;

  it('GIVEN the bot killed while its post is held and while its thread is held THEN after a restart status says the posts are not confirmed, and the rest of start-up goes on', async () => {
    [held, unrecorded, late, broken, healthy] = [await addServer(), await addServer(), await addServer(), await addServer(), await addServer()];
    for (const server of [held, unrecorded]) {
      expect((await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: true })).content).toContain('The daily post is set');
    }
    session.lb.faults.inject({ method: 'POST', route: `/channels/${held.channelId}/messages`, status: 429, retryAfter: 600 });
    session.lb.faults.inject({ method: 'POST', route: new RegExp(`^/channels/${unrecorded.channelId}/messages/\\d+/threads$`), status: 429, retryAfter: 600 });
    // Neither answer comes: Discord holds both requests until the bot is gone.
    await daily(held, 'now');
    await daily(unrecorded, 'now');
    await expect.poll(() => session.lb.faults.hits.length, { timeout: 10_000 }).toBe(2);
    expect(dailyPosts(held.channelId)).toHaveLength(0);
    expect(dailyPosts(unrecorded.channelId)).toHaveLength(1);

    // Written as the store would hold them after the bot was down a while.
    const now = Date.now();
    const setAt = new Date(now - 7 * 60 * MINUTE).toISOString();
    const store = openStore(session.storeUrl);
    await store.namespace('daily').set(late.guildId, { channelId: late.channelId, time: hhmm(now - (5 * 60 + 58) * MINUTE), timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], thread: false, setAt });
    await store.namespace('daily').set(healthy.guildId, { channelId: healthy.channelId, time: hhmm(now - 10 * MINUTE), timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], thread: false, setAt });
    await store.close();
    const raw = new KeyvSqlite(session.storeUrl);
    await raw.set(`daily:${broken.guildId}`, 'not json {');
    await raw.disconnect();
    session.lb.faults.inject({ method: 'POST', route: `/channels/${late.channelId}/messages`, status: 500, times: 1_000 });

    session.bot.child.kill('SIGKILL');
    await new Promise((resolve) => session.bot.child.once('exit', resolve));
    session.bot = await startBotProcess(session.lb, { storeUrl: session.storeUrl });

    for (const server of [held, unrecorded]) {
      // While the restarted bot's first try meets the dead one's claim there is no next try yet; then there is.
      await expect
        .poll(() => status(server), { timeout: 10_000 })
        .toMatch(/Post of \d{4}-\d{2}-\d{2}\nNot confirmed yet: a try started <t:\d+:R> and Discord has not confirmed the post\. .* Next try <t:\d+:F>/);
    }
    // Another server's catch-up is made although one schedule could not be read.
    await expect.poll(() => dailyPosts(healthy.channelId).length, { timeout: 20_000 }).toBe(1);
    expect(session.bot.logs.some((line) => line.msg === 'daily posts scheduled')).toBe(true);
    // The unreadable one says so, and /daily set starts over.
    expect((await answer(broken, 'status')).content).toBe("This server's daily schedule could not be read, so it was set aside and no post is made: an admin can start over with `/daily set`.");
    expect((await answer(broken, 'set', { channel: broken.channelId, time: farOff(), timezone: 'UTC', thread: false })).content).toContain('The daily post is set');
    expect(await status(broken)).toMatch(/Next post/);
  }, 90_000);

  it('GIVEN Discord answering 502 to the post four times THEN /daily now says when it tries again, status gives that time, and the retry makes one post', async () => {
    const server = await addServer();
    await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: false });
    const from = requests().length;
    // discord.js itself tries a 5xx four times; the fifth request is the service's retry.
    session.lb.faults.inject({ method: 'POST', route: `/channels/${server.channelId}/messages`, status: 502, times: 4 });
    const now = await answer(server, 'now');
    expect(now.content).toMatch(/^I could not post today's quote \(Discord answered 502 Bad Gateway\), so I will try again <t:\d+:R>; `\/daily status` shows how it goes\.$/);
    const shown = await status(server);
    expect(shown).toMatch(/Try 1 failed: Discord answered 502 Bad Gateway\. Next try <t:(\d+):F>/);
    const retryAt = Number(/Next try <t:(\d+):F>/.exec(shown)![1]) * 1000;
    expect(retryAt).toBeGreaterThan(Date.now());
    const nextPost = Number(/Next post\n.*\n<t:(\d+):F>/.exec(shown)![1]) * 1000;
    expect(nextPost).toBeGreaterThan(retryAt);

    await expect.poll(() => dailyPosts(server.channelId).length, { timeout: retryAt - Date.now() + 75_000, interval: 500 }).toBe(1);
    const [post] = dailyPosts(server.channelId);
    expect(await status(server)).toContain(linkTo(server, post!.id));
    const sends = requests().slice(from).filter((r) => r.method === 'POST' && r.path === `/channels/${server.channelId}/messages`);
    expect(sends.map((r) => r.status)).toEqual([502, 502, 502, 502, 200]);
  }, 200_000);

  it('GIVEN the claims of the killed bot gone stale THEN each server has exactly one post for the date, status links it, its thread is there, and /daily now links it', async () => {
    for (const server of [held, unrecorded]) {
      await expect.poll(async () => /Last post\n\[\d{4}-\d{2}-\d{2}\]/.test(await status(server)), { timeout: 4 * MINUTE, interval: 2000 }).toBe(true);
      const posts = dailyPosts(server.channelId);
      expect(posts).toHaveLength(1);
      expect(await status(server)).toContain(linkTo(server, posts[0]!.id));
      expect(world().threads(server.channelId)).toHaveLength(1);
      expect(world().threads(server.channelId)[0]!.id).toBe(posts[0]!.threadId);
    }
    // The post that was made before the kill is the one recorded: looked for, not made again.
    expect(session.bot.logs.some((line) => line.msg === 'daily post of a stopped try found in the channel and recorded' && line.guildId === unrecorded.guildId)).toBe(true);
    const now = (await answer(unrecorded, 'now')).content;
    expect(now).toContain(`is [already up](${linkTo(unrecorded, dailyPosts(unrecorded.channelId)[0]!.id)}).`);
  }, 5 * MINUTE);

  it('GIVEN Discord failing until the post would be over 6 hours late THEN no post, and status says the failure outlasted the retries', async () => {
    await expect.poll(() => status(late), { timeout: 3 * MINUTE, interval: 2000 }).toMatch(/Try \d+ failed: Discord answered 500 Internal Server Error\. No more tries: the post would be over 6 hours late/);
    expect(dailyPosts(late.channelId)).toHaveLength(0);
    session.lb.faults.clear();
  }, 4 * MINUTE);
});

describe('500 and 403 on the daily post', () => {
  it('GIVEN two 500s on the post THEN discord.js retries and exactly one post is made', async () => {
    const server = await addServer();
    await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: false });
    session.lb.faults.inject({ method: 'POST', route: `/channels/${server.channelId}/messages`, status: 500, times: 2 });
    const now = await answer(server, 'now');
    expect(now.content).toMatch(/^Today's post \(\d{4}-\d{2}-\d{2}\) is up: /);
    await sleep(500);
    expect(dailyPosts(server.channelId)).toHaveLength(1);
  });

  it('GIVEN 403 on the post THEN nothing is posted and the schedule pauses with the reason', async () => {
    const server = await addServer();
    await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: false });
    session.lb.faults.inject({ method: 'POST', route: `/channels/${server.channelId}/messages`, status: 403 });
    expect((await answer(server, 'now')).content).toBe(
      `I could not post: Discord refused the post in <#${server.channelId}>: Missing Permissions. The daily post is paused until you run \`/daily set\` again.`,
    );
    expect(dailyPosts(server.channelId)).toHaveLength(0);
    expect(await status(server)).toMatch(/Daily post \(paused\)[\s\S]*Paused\nDiscord refused the post in <#\d+>: Missing Permissions\./);
    // /daily set resumes it.
    await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: false });
    expect((await answer(server, 'now')).content).toMatch(/is up: /);
    expect(dailyPosts(server.channelId)).toHaveLength(1);
  });

  it('GIVEN 403 on the thread THEN the post is up and recorded, and the schedule pauses with the reason', async () => {
    const server = await addServer();
    await answer(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: true });
    session.lb.faults.inject({ method: 'POST', route: new RegExp(`^/channels/${server.channelId}/messages/\\d+/threads$`), status: 403 });
    const now = await answer(server, 'now');
    expect(now.content).toMatch(/is up: .*\nI could not start its thread: Discord refused the thread in <#\d+>: Missing Permissions\.\nThe daily post is paused/);
    const [post] = dailyPosts(server.channelId);
    const shown = await status(server);
    expect(shown).toMatch(/Paused\nDiscord refused the thread in <#\d+>: Missing Permissions\./);
    expect(shown).toContain(linkTo(server, post!.id));
  });

  it('GIVEN days that are only separators THEN /daily set refuses in one sentence', async () => {
    const server = await addServer();
    for (const days of [',', ';', ',,', ' , ']) {
      const reply = await answer(server, 'set', { channel: server.channelId, time: '09:00', days });
      expect(reply.content).toMatch(/^`.*` is not a list of days: write `every day`, `weekdays`, `weekends`, or days like `mon,wed,fri`\.$/);
    }
  });
});

describe('the whole run', () => {
  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
