// The recap end to end (SPEC section 11): `/recap show` after a week of posts, polls and notes
// (two daily posts made now on two local dates, older posts recorded through the history
// service on the bot's store), and the weekly recap posted once across a restart and across two
// bot processes on the same store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, SlashInput } from '@marginalia/loopback';
import { createHistoryService } from '../../src/features/history/service.js';
import { createSettingsService } from '../../src/features/settings/service.js';
import { createLogger } from '../../src/lib/logger.js';
import { openStore } from '../../src/lib/store.js';
import { startBotProcess, type BotProcess } from '../../tools/bot-process.js';
import { componentsOf, customIdOf, expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that the servers made below have them.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const world = () => session.lb.world;
const run = async (server: TestServer, user: string, name: string, subcommand: string, options: SlashInput['options'] = {}) =>
  (await session.lb.driver.slash({ user, channel: server.channelId, name, subcommand, options })).reply(10_000);
const recap = (server: TestServer, subcommand: string, options: SlashInput['options'] = {}, user = server.admin) => run(server, user, 'recap', subcommand, options);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `HH:MM` in UTC of an instant. */
const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);
/** A time of day far from now, so that no scheduled daily post comes during the test. */
const farOff = () => hhmm(Date.now() + 12 * 60 * MINUTE);
/** The start of the next whole minute at least 8 s away: a recap scheduled for it comes soon, after the reply. */
const nextMinute = () => Math.ceil((Date.now() + 8_000) / MINUTE) * MINUTE;
/** 1 = Monday ... 7 = Sunday, in UTC. */
const weekdayOf = (at: number) => ((new Date(at).getUTCDay() + 6) % 7) + 1;
const weeklyRecaps = (channelId: string) => world().messages(channelId).filter((m) => m.authorId === world().bot.id && textOf(m).startsWith('Weekly recap'));

/** A server's history written as the bot would have written it on another day: the history service on the bot's store, with that day's clock. */
async function recordOn(at: number, write: (history: ReturnType<typeof createHistoryService>) => Promise<unknown>): Promise<void> {
  const store = openStore(session.storeUrl);
  const logger = createLogger('silent');
  try {
    await write(createHistoryService({ store, logger, settings: createSettingsService({ store, logger }), now: () => at }));
  } finally {
    await store.close();
  }
}

describe('/recap show', () => {
  let server: TestServer;

  it('GIVEN nothing yet THEN one sentence; GIVEN a plain member or no daily post THEN /recap schedule is refused in one sentence', async () => {
    server = await newServer(session, 'Recap group');
    const empty = await recap(server, 'show', {}, server.member);
    expect(empty.ephemeral).toBe(true);
    expect(empty.content).toBe('Nothing was posted, polled or noted on this server in the last 7 days.');
    expect((await recap(server, 'schedule', { day: 1, time: '09:00' }, server.member)).content).toBe('You need the **Manage Server** permission to use `/recap schedule`.');
    expect((await recap(server, 'off', {}, server.member)).content).toBe('You need the **Manage Server** permission to use `/recap off`.');
    expect((await recap(server, 'schedule', { day: 1, time: '09:00' })).content).toBe(
      "The weekly recap posts in the daily post's channel and timezone, and no daily post is set up here: run `/daily set` first, then `/recap schedule`.",
    );
  });

  it('GIVEN a week of posts, a passage poll, notes, a removed article and a reading plan THEN the recap tells them with live links, reply counts and what was deleted', async () => {
    const admin = world().user(server.admin)!.username;
    const member = world().user(server.member)!.username;
    await run(server, server.admin, 'settings', 'set', { cooldown_seconds: 0 });
    // Two local dates for two posts made now: the schedule's timezone at UTC-12, then at UTC+14.
    expect((await run(server, server.admin, 'daily', 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC-12', thread: true })).content).toContain('The daily post is set');
    expect((await run(server, server.admin, 'daily', 'now')).content).toContain("Today's post");
    expect((await run(server, server.admin, 'plan', 'start', { article: 'former-kazakhstan', per_day: 3 })).content).toContain('Reading plan started');
    expect((await run(server, server.admin, 'daily', 'set', { timezone: 'UTC+14' })).content).toContain('The daily post is set');
    expect((await run(server, server.admin, 'daily', 'now')).content).toContain("Today's post");
    const [quotePost, planPost] = world().messages(server.channelId).filter((m) => m.authorId === world().bot.id && m.embeds.length > 0);
    // Two replies in the first post's thread; the plan post's thread is deleted by a moderator.
    world().postMessage(quotePost!.id, member, 'I read it differently.');
    world().postMessage(quotePost!.id, admin, 'How so?');
    world().deleteChannel(planPost!.id);

    // A passage poll with one vote, closed.
    const poll: MessageRecord = await run(server, server.admin, 'poll', 'passage', { ref: 'former-kazakhstan:2', duration: '15m' });
    const agree = componentsOf(poll).find((c) => c.label === 'Agree')!.custom_id!;
    await (await session.lb.driver.click({ user: server.member, message: poll, customId: agree })).reply();
    // The poll is indexed just after it is posted: closing may have to wait for that.
    await expect.poll(async () => (await run(server, server.admin, 'poll', 'close')).content).toContain('Closed poll');

    // Notes: three on one passage, one on another.
    for (const text of ['The key passage.', 'Compare with ¶7.', '@everyone should read this']) {
      expect(textOf(await run(server, server.member, 'note', 'add', { ref: 'former-kazakhstan:5', text }))).toMatch(/#[a-z0-9]{6}/);
    }
    expect(textOf(await run(server, server.member, 'note', 'add', { ref: 'why-putin-interferes:3', text: 'Worth a poll.' }))).toMatch(/#[a-z0-9]{6}/);

    // An article of the server's own, posted about three days ago, then removed.
    const added = await run(server, server.admin, 'library', 'add', { file: { filename: 'slow-reading.txt', bytes: 'On reading slowly\n\nA palimpsest is read in layers.\n\nThe second layer.\n' } });
    expect(textOf(added)).toContain('slow-reading:1');
    const older = world().postMessage(server.channelId, admin, 'An older post');
    await recordOn(Date.now() - 3 * DAY, (history) =>
      history.recordPost(server.guildId, { date: new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10), kind: 'daily', ref: 'slow-reading:1', title: 'On reading slowly', channelId: server.channelId, messageId: older.id }),
    );
    // And one eight days ago: outside the week.
    await recordOn(Date.now() - 8 * DAY, (history) =>
      history.recordPost(server.guildId, { date: new Date(Date.now() - 8 * DAY).toISOString().slice(0, 10), kind: 'daily', ref: 'why-putin-interferes:9', title: 'Why Putin interferes', channelId: server.channelId, messageId: older.id }),
    );
    const asked = await run(server, server.admin, 'library', 'remove', { article: 'slow-reading' });
    await (await session.lb.driver.click({ user: server.admin, message: asked, customId: customIdOf(asked, /^library:rm:/) })).reply();

    const shown = await recap(server, 'show', {}, server.member);
    expect(shown.ephemeral).toBe(true);
    const text = textOf(shown);
    expect(text).toMatch(/^Recap of the last 7 days\nFrom <t:\d+:D> to <t:\d+:D>: 3 passages posted, 1 poll, 4 notes\./);
    expect(text).toContain(`[thread](https://discord.com/channels/${server.guildId}/${quotePost!.id}) (2 replies)`);
    expect(text).toMatch(/\*\*\d{4}-\d\d-\d\d\*\* \(reading plan\) · `former-kazakhstan:1-3` \*“The former Kazakhstan[^*]*\* · \[post\]\([^)]+\) · thread deleted/);
    expect(text).toContain('`slow-reading:1` (article removed) *On reading slowly* · [post](');
    expect(text).toMatch(/`former-kazakhstan:2` \*[^*]+\*: 1 agree, 0 disagree, 0 unsure · closed · \[poll\]/);
    expect(text).toMatch(/Most noted\n`former-kazakhstan:5` \*[^*]+\*: 3 notes\n`why-putin-interferes:3` \*[^*]+\*: 1 note/);
    expect(text).toContain('Reading plan\n**“The former Kazakhstan');
    expect(text).toMatch(/day 1 of \d+, next: `former-kazakhstan:4-6`\./);
    expect(text).not.toContain('why-putin-interferes:9');
    expect(shown.pings).toEqual({ everyone: false, roles: [], users: [] });

    // Ten days back, the older post is there; a moderator deleting a message shows it deleted.
    world().deleteMessage(older.id);
    const tenDays = textOf(await recap(server, 'show', { days: 10 }, server.member));
    expect(tenDays).toContain('`why-putin-interferes:9` *Why Putin interferes* · message deleted');
    expect(tenDays).toContain('`slow-reading:1` (article removed) *On reading slowly* · message deleted');
  }, 60_000);

  it('GIVEN another server THEN it sees nothing of the first', async () => {
    const other = await newServer(session, 'Other recap group');
    expect((await recap(other, 'show', { days: 31 }, other.member)).content).toBe('Nothing was posted, polled or noted on this server in the last 31 days.');
  });
});

describe('the weekly recap', () => {
  /** A server with a daily post made today (so the week has something to tell) and the weekly recap due at the next minute. */
  async function scheduledServer(name: string): Promise<{ server: TestServer; due: number }> {
    const server = await newServer(session, name);
    expect((await run(server, server.admin, 'daily', 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC', thread: false })).content).toContain('The daily post is set');
    expect((await run(server, server.admin, 'daily', 'now')).content).toContain("Today's post");
    const due = nextMinute();
    const set = await recap(server, 'schedule', { day: weekdayOf(due), time: hhmm(due) });
    expect(textOf(set)).toMatch(/^Recap scheduled\nEvery \w+day at \d\d:\d\d \(UTC\) in <#\d+>/);
    expect(textOf(set)).toContain(`<t:${due / 1000}:f>`);
    return { server, due };
  }

  it('GIVEN the bot down over the recap\'s minute THEN the restarted bot catches it up once, and another restart posts nothing more', async () => {
    const { server, due } = await scheduledServer('Weekly recap group');
    await session.bot.stop();
    await sleep(due - Date.now() + 2_000);
    session.bot = await startBotProcess(session.lb, { storeUrl: session.storeUrl });
    expect(session.bot.logs.find((line) => line.msg === 'weekly recaps scheduled')).toMatchObject({ catchUps: 1 });
    await expect.poll(() => weeklyRecaps(server.channelId).length, { timeout: 10_000 }).toBe(1);
    const [posted] = weeklyRecaps(server.channelId);
    expect(textOf(posted!)).toContain('1 passage posted');
    expect(posted!.pings).toEqual({ everyone: false, roles: [], users: [] });

    await session.restart();
    expect(session.bot.logs.find((line) => line.msg === 'weekly recaps scheduled')).toMatchObject({ catchUps: 0 });
    await sleep(3_000);
    expect(weeklyRecaps(server.channelId)).toHaveLength(1);
  }, 120_000);

  it('GIVEN two bot processes on the same store at the recap\'s minute THEN exactly one recap; GIVEN /recap off THEN it says so', async () => {
    const { server, due } = await scheduledServer('Two-process recap group');
    // The second process loads the same schedule from the store, so both race for the minute.
    const second: BotProcess = await startBotProcess(session.lb, { storeUrl: session.storeUrl });
    try {
      expect(second.logs.find((line) => line.msg === 'weekly recaps scheduled')?.schedules).toBeGreaterThanOrEqual(1);
      await expect.poll(() => weeklyRecaps(server.channelId).length, { timeout: due - Date.now() + 30_000, interval: 500 }).toBe(1);
      await sleep(3_000);
      expect(weeklyRecaps(server.channelId)).toHaveLength(1);
      const said = (msg: string) => [session.bot, second].filter((bot) => bot.logs.some((line) => line.msg === msg && line.guildId === server.guildId)).length;
      expect(said('weekly recap posted')).toBe(1);
    } finally {
      await second.stop();
    }
    expect((await recap(server, 'off')).content).toBe('The weekly recap is off. `/recap schedule` sets it again.');
    expect((await recap(server, 'off')).content).toBe('There was no weekly recap to stop on this server.');
  }, 120_000);

  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
