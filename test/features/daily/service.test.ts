import KeyvSqlite from '@keyv/sqlite';
import { getTasks } from 'node-cron';
import { describe, expect, it, vi } from 'vitest';
import { createDailyService, type DailyService, type DailyStatus } from '../../../src/features/daily/service.js';
import { applyChanges, localDate, parseSchedule } from '../../../src/features/daily/schedule.js';
import { claimedAt, claimValue, createDailyStore } from '../../../src/features/daily/store.js';
import { promptTiers } from '../../../src/library/prompts.js';
import { notPostedText, previewView, statusView } from '../../../src/features/daily/views.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { createSettingsService } from '../../../src/features/settings/service.js';
import type { Store } from '../../../src/lib/store.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { toBody } from '../../helpers/payload.js';
import { CHANNEL, GUILD, OTHER_CHANNEL, OTHER_GUILD, ROLE, fakeDiscord, recordingLogger, startProcess, testLibrary, type BotProcess } from './fixtures.js';
import { createHistoryService } from '../../../src/features/history/service.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const silent = createLogger('silent');
// Asia/Almaty is UTC+5: 09:00 there is 04:00 UTC. 2025-01-13 is a Monday.
const SET_AT = Date.parse('2025-01-13T01:00:00Z');
const DUE = Date.parse('2025-01-13T04:00:00Z');
const almaty = applyChanges(undefined, parseSchedule({ channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: 'every day', thread: true, roleId: ROLE }), undefined);

const temp = useTempStores('daily');

/** A store on the test's SQLite file: each call is another connection, as another process has. */
function store(): Store {
  return temp.open();
}

async function boot(discord: ReturnType<typeof fakeDiscord>, clock: { now: number }, options: { logger?: ReturnType<typeof recordingLogger>['logger']; on?: Store } = {}): Promise<BotProcess> {
  const bot = await startProcess({ store: options.on ?? store(), poster: discord.poster, clock, logger: options.logger ?? silent });
  temp.track(bot.service);
  return bot;
}

/** The status of a server whose schedule could be read. */
async function statusOf(service: DailyService, guildId: string): Promise<DailyStatus | undefined> {
  const status = await service.status(guildId);
  if (status && 'unreadable' in status) throw new Error(`unreadable schedule: ${status.unreadable.reason}`);
  return status;
}

/** `/daily now` as the handler answers it: the post, or the sentence the member reads. */
async function postNow(service: DailyService, guildId: string) {
  const outcome = await service.postNow(guildId);
  if (outcome.kind !== 'posted') throw new UserError(notPostedText(guildId, outcome));
  return outcome;
}

/** Moves the clock minute by minute to `to`, ticking and letting each post finish. */
async function runUntil(bot: BotProcess, clock: { now: number }, to: number): Promise<void> {
  while (clock.now + MINUTE <= to) {
    clock.now += MINUTE;
    await bot.tick();
  }
}

async function stop(bot: BotProcess): Promise<void> {
  await bot.service.stop();
  temp.stopped(bot.service);
}

describe('the daily post', () => {
  it('GIVEN a schedule THEN the post comes at its minute with quote, prompt, passage button, role ping only and a thread', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    const status = await bot.service.set(GUILD, almaty);
    expect(status.next?.toISOString()).toBe('2025-01-13T04:00:00.000Z');

    await runUntil(bot, clock, DUE - MINUTE);
    expect(discord.state.sent).toHaveLength(0);
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
    const [post] = discord.state.sent;
    expect(post!.channelId).toBe(CHANNEL);
    expect(post!.message.content).toBe(`<@&${ROLE}>`);
    expect(post!.message.allowedMentions).toEqual({ parse: [], roles: [ROLE] });
    const body = toBody(post!.message) as { embeds: Array<{ fields: Array<{ value: string }> }>; components: Array<{ components: Array<{ custom_id: string }> }> };
    expect(body.embeds[0]!.fields[0]!.value.endsWith('?')).toBe(true);
    expect(post!.threadName).toBeTruthy();
    expect(post!.threadName!.length).toBeLessThanOrEqual(100);
    expect(body.components[0]!.components[0]!.custom_id).toMatch(/^passage:show:[a-z-]+:\d+$/);

    const after = await statusOf(bot.service, GUILD);
    expect(after?.schedule.lastPost).toMatchObject({ messageId: post!.messageId, channelId: CHANNEL, date: '2025-01-13' });
    expect(after?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');

    await runUntil(bot, clock, DUE + 23 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN no role and no thread THEN nobody is pinged and no thread is started', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, { ...almaty, roleId: undefined, thread: false });
    await runUntil(bot, clock, DUE);
    const [post] = discord.state.sent;
    expect(post!.message.content).toBeUndefined();
    expect(post!.message.allowedMentions).toEqual({ parse: [] });
    expect(post!.threadName).toBeUndefined();
  });

  it('GIVEN a restart in the posting minute THEN there is no second post', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await runUntil(first, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
    await stop(first);

    clock.now = DUE + 30_000;
    const second = await boot(discord, clock);
    await second.tick();
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN two processes holding the same server THEN the guard lets one of them post', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    const second = await boot(discord, clock);
    clock.now = DUE;
    // Both beats are taken before either post is sent.
    await Promise.all([first.tick(), second.tick()]);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN 2 hours of downtime over the posting time THEN one catch-up post on start-up', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);

    clock.now = DUE + 2 * 60 * MINUTE;
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger });
    await second.tick();
    expect(discord.state.sent).toHaveLength(1);
    expect((await statusOf(second.service, GUILD))?.schedule.lastPost?.date).toBe('2025-01-13');
    expect(lines.some((line) => line.msg === 'daily posts scheduled' && line.catchUps === 1)).toBe(true);
    await runUntil(second, clock, DUE + 3 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN 8 hours of downtime THEN the missed post is skipped with a log line, and the next day posts', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);

    clock.now = DUE + 8 * 60 * MINUTE;
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger });
    await second.tick();
    expect(discord.state.sent).toHaveLength(0);
    const skipped = lines.find((line) => line.msg === 'daily post skipped: more than 6 hours late');
    expect(skipped).toMatchObject({ guildId: GUILD, dueAt: '2025-01-13T04:00:00.000Z', lateMinutes: 480 });
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a schedule set after today\'s time THEN a restart does not make up a post that was never due', async () => {
    const discord = fakeDiscord();
    const clock = { now: DUE + 30 * MINUTE };
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    clock.now = DUE + 60 * MINUTE;
    const second = await boot(discord, clock);
    await second.tick();
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN servers this shard does not hold THEN their schedules are left to their own shard', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    await stop(first);
    discord.state.guilds.delete(OTHER_GUILD);
    const second = await boot(discord, clock);
    // Not held: its posting minute passes without a post from this shard.
    await runUntil(second, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);

    // The server comes to this shard later (guildCreate): its schedule is held from then on,
    // with today's missed post caught up.
    discord.state.guilds.add(OTHER_GUILD);
    await second.service.loadGuild(OTHER_GUILD);
    await second.tick();
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL, OTHER_CHANNEL]);
  });
});

/**
 * What a process killed in the middle of its post leaves behind: its claim of the date and
 * its attempt in the store and, when `posted`, the post in Discord (without its thread).
 */
async function killedDuringPost(bot: BotProcess, discord: ReturnType<typeof fakeDiscord>, clock: { now: number }, options: { posted: boolean }) {
  const daily = createDailyStore(store(), silent);
  const at = new Date(clock.now).toISOString();
  const date = localDate(clock.now, almaty.timezone);
  expect(await daily.claimPost(GUILD, date, claimValue('dead-host:4242:0000', clock.now), () => false)).toBe(true);
  const schedule = (await daily.getSchedule(GUILD))!;
  await daily.saveSchedule(GUILD, { ...schedule, attempt: { date, slot: at, firstAt: at, at, tries: 1 } });
  if (options.posted) {
    const { card } = await bot.service.preview(GUILD);
    await discord.poster.send(CHANNEL, { card, date, thread: false, roleId: ROLE });
  }
  return date;
}

describe('a try that stops half-way (kill -9)', () => {
  it('GIVEN a process killed after its claim and before Discord took the post THEN a restart waits for the claim to go stale, looks in the channel, and posts once', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    clock.now = DUE;
    const date = await killedDuringPost(first, discord, clock, { posted: false });

    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await second.tick();
    expect(discord.state.sent).toHaveLength(0);
    // Not confirmed, and when it will be looked for: the claim is 20 s old, so its holder may still be at work.
    const waiting = await statusOf(second.service, GUILD);
    expect(waiting?.unfinished).toEqual({ date, at: new Date(DUE), tries: 1, retryAt: new Date(DUE + 2 * MINUTE + 5_000) });
    expect(waiting?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
    expect(JSON.stringify(statusView(GUILD, waiting).embeds)).toMatch(/Not confirmed yet: a try started <t:\d+:R>/);
    await expect(postNow(second.service, GUILD)).rejects.toThrow(/was started <t:\d+:R> and is not confirmed yet/);

    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.searches).toEqual([`${CHANNEL} ${date}`]);
    expect(discord.state.sent).toHaveLength(1);
    const status = await statusOf(second.service, GUILD);
    expect(status?.schedule.lastPost?.messageId).toBe(discord.state.sent[0]!.messageId);
    expect(status?.unfinished).toBeUndefined();
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE + MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN a process killed after Discord took the post and before it was recorded THEN the restart finds it, records it, starts its thread, and /daily now links it', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    clock.now = DUE;
    const date = await killedDuringPost(first, discord, clock, { posted: true });
    const [post] = discord.state.sent;
    expect(post!.threadName).toBeUndefined();

    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect(post!.threadName).toBeTruthy();
    const status = await statusOf(second.service, GUILD);
    expect(status?.schedule.lastPost).toMatchObject({ messageId: post!.messageId, date });
    // The history has the post found, once, with the thread started on it.
    const { articleId, paragraph } = post!.card.quote;
    const history = await second.history.ofPassage(GUILD, articleId, paragraph, paragraph);
    expect(history).toEqual([expect.objectContaining({ id: `daily:${date}`, kind: 'daily', ref: post!.card.quote.ref, channelId: CHANNEL, messageId: post!.messageId, threadId: post!.messageId })]);
    await expect(postNow(second.service, GUILD)).rejects.toThrow(new RegExp(`Today's post \\(${date}\\) is \\[already up\\]\\(https://discord\\.com/channels/${GUILD}/${CHANNEL}/${post!.messageId}\\)\\.`));
    // The quote it used counts as used: the next day's is another.
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE + MINUTE);
    expect(discord.state.sent.map((sent) => sent.card.quote.id)).toEqual([post!.card.quote.id, expect.not.stringMatching(post!.card.quote.id)]);
  });

  it('GIVEN a claim left by a version that did not date its claims THEN it counts as stopped: the post is looked for, then made once', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    expect(await createDailyStore(store(), silent).claimPost(GUILD, '2025-01-13', 'another-process', () => false)).toBe(true);
    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await second.tick();
    expect(discord.state.searches).toEqual([`${CHANNEL} 2025-01-13`]);
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a post held by Discord for minutes (a rate limit) THEN its process keeps the claim fresh and another process does not take it over', async () => {
    // Only the renewal's interval is faked: expect.poll and the fake Discord use setTimeout.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let release = () => {};
    try {
      const clock = { now: SET_AT };
      const discord = fakeDiscord(clock);
      const first = await boot(discord, clock);
      await first.service.set(GUILD, almaty);
      discord.state.held = new Promise((resolve) => (release = () => resolve()));
      clock.now = DUE;
      const held = first.tick();
      while ((await statusOf(first.service, GUILD))?.unfinished?.tries !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const probe = createDailyStore(store(), silent);
      /** When the holder of the date's claim last renewed it (a claim that is not given to the probe). */
      const renewedAt = async () => {
        let holder = '';
        await probe.claimPost(GUILD, '2025-01-13', 'probe@0', (current) => ((holder = current), false));
        return claimedAt(holder);
      };
      for (let minute = 0; minute < 5; minute++) {
        clock.now += MINUTE;
        await vi.advanceTimersByTimeAsync(MINUTE);
        // The renewal writes to the store on its own time: wait for it, as 30 s of real time would.
        while ((await renewedAt()) !== clock.now) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const second = await boot(discord, clock);
      await expect(postNow(second.service, GUILD)).rejects.toThrow(/is not confirmed yet/);
      release();
      await held;
      expect(discord.state.searches).toEqual([]);
      expect(discord.state.sent).toHaveLength(1);
    } finally {
      release();
      vi.useRealTimers();
    }
  });

  it('GIVEN a send whose answer is lost after Discord made the post THEN the retry finds that post instead of making a second', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.lostAnswers = 1;
    await runUntil(bot, clock, DUE);
    expect((await statusOf(bot.service, GUILD))?.unfinished).toMatchObject({ failure: 'socket hang up', retryAt: new Date(DUE + MINUTE) });
    await runUntil(bot, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect((await statusOf(bot.service, GUILD))?.schedule.lastPost?.messageId).toBe(discord.state.sent[0]!.messageId);
  });

  it('GIVEN a stopped try in a channel whose history the bot cannot read THEN nothing is posted, the schedule pauses saying why, and it posts once the permission is back', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    clock.now = DUE;
    await killedDuringPost(first, discord, clock, { posted: false });
    discord.state.historyHidden.add(CHANNEL);
    clock.now = DUE + 3 * MINUTE;
    const second = await boot(discord, clock);
    await second.tick();
    expect(discord.state.sent).toHaveLength(0);
    expect((await statusOf(second.service, GUILD))?.schedule.pausedReason).toMatch(/Read Message History/);
    discord.state.historyHidden.clear();
    await second.service.set(GUILD, almaty);
    await postNow(second.service, GUILD);
    expect(discord.state.sent).toHaveLength(1);
    expect(discord.state.searches).toHaveLength(2);
  });
});

describe('a schedule that cannot post', () => {
  it('GIVEN a deleted channel THEN that schedule pauses with the reason and other servers still post', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const { logger, lines } = recordingLogger();
    const bot = await boot(discord, clock, { logger });
    await bot.service.set(GUILD, almaty);
    await bot.service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    discord.state.problems.set(CHANNEL, `The channel <#${CHANNEL}> was deleted, or I can no longer see it.`);
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
    const status = await statusOf(bot.service, GUILD);
    expect(status?.schedule.pausedReason).toMatch(/was deleted/);
    expect(status?.next).toBeUndefined();
    expect(lines.some((line) => line.msg === 'daily post paused' && line.guildId === GUILD)).toBe(true);
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(/paused: The channel .* was deleted/);

    // /daily set again resumes it, and today's post can still be made.
    discord.state.problems.clear();
    await bot.service.set(GUILD, almaty);
    expect((await statusOf(bot.service, GUILD))?.schedule.pausedReason).toBeUndefined();
    await postNow(bot.service, GUILD);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL, CHANNEL]);
  });

  it('GIVEN a paused schedule THEN it is out of the schedule: the next days pass without a post or a word about it', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const { logger, lines } = recordingLogger();
    const bot = await boot(discord, clock, { logger });
    await bot.service.set(GUILD, almaty);
    discord.state.problems.set(CHANNEL, `The channel <#${CHANNEL}> was deleted, or I can no longer see it.`);
    await runUntil(bot, clock, DUE);
    expect((await statusOf(bot.service, GUILD))?.schedule.pausedReason).toMatch(/was deleted/);
    const paused = lines.length;
    discord.state.problems.clear();
    await runUntil(bot, clock, DUE + 2 * 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(0);
    expect(lines.slice(paused).filter((line) => line.guildId === GUILD)).toEqual([]);
  });

  it('GIVEN Discord refusing the send THEN the schedule pauses and the day is not used up', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.refused.add(CHANNEL);
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    const paused = await statusOf(bot.service, GUILD);
    expect(paused?.schedule.pausedReason).toMatch(/Missing Permissions/);
    // Refused, so surely not posted: nothing is left unconfirmed.
    expect(paused?.unfinished).toBeUndefined();
    discord.state.refused.clear();
    await bot.service.set(GUILD, almaty);
    await postNow(bot.service, GUILD);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a passing failure THEN the post is retried a few minutes later, once', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 1;
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    expect((await statusOf(bot.service, GUILD))?.schedule.pausedReason).toBeUndefined();
    await runUntil(bot, clock, DUE + 6 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect((await statusOf(bot.service, GUILD))?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
  });

  it('GIVEN Discord failing (500) for a while THEN the retries back off (1, 2, 4 minutes), status gives the next try rather than a time past, and one post is made', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 3;
    const tries: Array<[number, Date | undefined]> = [];
    for (let at = DUE; at <= DUE + 10 * MINUTE; at += MINUTE) {
      await runUntil(bot, clock, at);
      const unfinished = (await statusOf(bot.service, GUILD))?.unfinished;
      if (unfinished && tries.at(-1)?.[0] !== unfinished.tries) tries.push([unfinished.tries, unfinished.retryAt]);
    }
    expect(tries).toEqual([
      [1, new Date(DUE + MINUTE)],
      [2, new Date(DUE + 3 * MINUTE)],
      [3, new Date(DUE + 7 * MINUTE)],
    ]);
    expect(discord.state.sent).toHaveLength(1);
    const status = await statusOf(bot.service, GUILD);
    expect(status?.unfinished).toBeUndefined();
    expect(status?.schedule.lastPost?.date).toBe('2025-01-13');
  });

  it('GIVEN a retry pending THEN status shows the next try and the next post, both ahead', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 1;
    await runUntil(bot, clock, DUE);
    const status = await statusOf(bot.service, GUILD);
    expect(status?.unfinished).toEqual({ date: '2025-01-13', at: new Date(DUE), tries: 1, failure: 'Discord answered 500 Internal Server Error', retryAt: new Date(DUE + MINUTE) });
    expect(status?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
    const text = JSON.stringify(statusView(GUILD, status).embeds);
    expect(text).toContain(`Try 1 failed: Discord answered 500 Internal Server Error. Next try <t:${(DUE + MINUTE) / 1000}:F>`);
    expect(text).toContain(`"name":"Next post","value":"Tuesday 14 January 2025, 09:00 (Asia/Almaty)`);
  });

  it('GIVEN Discord failing until the post would be over 6 hours late THEN no post, and status says the failure outlasted the retries', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 1_000;
    await runUntil(bot, clock, DUE + 7 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(0);
    const status = await statusOf(bot.service, GUILD);
    expect(status?.unfinished).toMatchObject({ date: '2025-01-13', failure: 'Discord answered 500 Internal Server Error' });
    expect(status?.unfinished?.retryAt).toBeUndefined();
    // 1 + 2 + 4 + 8 + 16 minutes, then every 30 minutes up to 6 hours.
    expect(status?.unfinished?.tries).toBe(16);
    expect(JSON.stringify(statusView(GUILD, status).embeds)).toMatch(/Try 16 failed: Discord answered 500 Internal Server Error\. No more tries: the post would be over 6 hours late/);
    expect(status?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
    // The next day is a new start.
    discord.state.failures = 0;
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect((await statusOf(bot.service, GUILD))?.unfinished).toBeUndefined();
  });

  it('GIVEN /daily now failing THEN it says when it tries again, and the retry posts', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 1;
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(
      `I could not post today's quote (Discord answered 500 Internal Server Error), so I will try again <t:${(SET_AT + MINUTE) / 1000}:R>; \`/daily status\` shows how it goes.`,
    );
    await runUntil(bot, clock, SET_AT + MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(bot, clock, DUE + MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN Discord refusing the thread THEN the post is recorded and the schedule pauses with the reason', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.threadsRefused.add(CHANNEL);
    const posted = await postNow(bot.service, GUILD);
    expect(posted).toMatchObject({ threadFailure: expect.stringMatching(/refused the thread/), pausedReason: expect.stringMatching(/refused the thread/) });
    const status = await statusOf(bot.service, GUILD);
    expect(status?.schedule).toMatchObject({ pausedReason: expect.stringMatching(/Missing Permissions/), lastPost: { messageId: discord.state.sent[0]!.messageId } });
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN the ping role deleted THEN posts go on without a ping and status says the role was deleted; one deleted while the bot was away is noticed at the post', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL, roleId: '200000000000000031' });
    await bot.service.roleDeleted(GUILD, ROLE);
    discord.state.deletedRoles.add(ROLE);
    discord.state.deletedRoles.add('200000000000000031'); // no event: the bot was offline
    await runUntil(bot, clock, DUE);
    // Both servers post in the same minute, in either order.
    expect(discord.state.sent.map((post) => [post.channelId, post.message.content, post.message.allowedMentions]).sort()).toEqual([
      [CHANNEL, undefined, { parse: [] }],
      [OTHER_CHANNEL, undefined, { parse: [] }],
    ]);
    for (const guildId of [GUILD, OTHER_GUILD]) {
      const status = await statusOf(bot.service, guildId);
      expect(status?.schedule.roleId).toBeUndefined();
      expect(JSON.stringify(statusView(guildId, status).embeds)).toContain('nobody: the role it pinged was deleted');
    }
    // Another role deleted: nothing changes.
    await bot.service.set(GUILD, almaty);
    await bot.service.roleDeleted(GUILD, '200000000000000099');
    expect((await statusOf(bot.service, GUILD))?.schedule.roleId).toBe(ROLE);
  });
});

describe('a stored schedule that cannot be read', () => {
  it('GIVEN one server\'s record is not JSON THEN start-up goes on, the other server posts, status says it could not be read, and /daily set starts over', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await first.service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    await stop(first);
    const sqlite = store();
    const raw = new KeyvSqlite({ uri: sqlite.url });
    await raw.set(`daily:${GUILD}`, '{"value":{"channelId":');
    await raw.disconnect();

    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger, on: sqlite });
    expect(lines.some((line) => line.msg === 'daily posts scheduled' && line.schedules === 1)).toBe(true);
    await runUntil(second, clock, DUE);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
    const status = await second.service.status(GUILD);
    expect(status).toMatchObject({ unreadable: { reason: expect.stringMatching(/JSON/) } });
    expect(statusView(GUILD, status).content).toBe("This server's daily schedule could not be read, so it was set aside and no post is made: an admin can start over with `/daily set`.");
    await expect(postNow(second.service, GUILD)).rejects.toThrow(/set one up with `\/daily set`/);

    await second.service.set(GUILD, almaty);
    expect((await statusOf(second.service, GUILD))?.schedule.channelId).toBe(CHANNEL);
    await postNow(second.service, GUILD);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL, CHANNEL]);
  });

  it('GIVEN the store down at start-up THEN the schedules are listed again on the next beat', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    const sqlite = store();
    let down = true;
    const flaky: Store = {
      ...sqlite,
      namespace(name) {
        const namespace = sqlite.namespace(name);
        return {
          ...namespace,
          entries() {
            if (down) throw new Error('the store did not answer within 2000 ms');
            return namespace.entries();
          },
        };
      },
    };
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger, on: flaky });
    expect(lines.some((line) => line.msg === 'daily schedules could not be listed; trying again in a minute')).toBe(true);
    down = false;
    await runUntil(second, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
  });
});

describe('/daily now, preview, off and the rotation', () => {
  it("GIVEN /daily now THEN it posts, counts as today's post, and a second one says today's post is up", async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(UserError);
    await bot.service.set(GUILD, almaty);
    const posted = await postNow(bot.service, GUILD);
    expect(posted.lastPost.date).toBe('2025-01-13');
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(/Today's post \(2025-01-13\) is \[already up\]\(https:\/\/discord\.com\/channels\//);
    await runUntil(bot, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN a preview THEN it shows the quote and prompt that will be posted, pinging nobody', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    const preview = previewView(await bot.service.preview(GUILD));
    expect(preview.allowedMentions).toEqual({ parse: [] });
    expect(preview.content).not.toMatch(/^<@&/);
    await runUntil(bot, clock, DUE);
    expect(toBody(discord.state.sent[0]!.message).embeds).toEqual(toBody(preview).embeds);
  });

  it('GIVEN /daily off THEN nothing more is posted, even after a restart, and the setup is kept, marked off', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const sqlite = store();
    const first = await boot(discord, clock, { on: sqlite });
    await first.service.set(GUILD, { ...almaty, days: [1, 3, 5] });
    expect(await first.service.off(GUILD)).toBe('off');
    expect(await first.service.off(GUILD)).toBe('already off');
    expect(await first.service.off(OTHER_GUILD)).toBe('none');
    const status = await statusOf(first.service, GUILD);
    expect(status?.schedule).toMatchObject({ channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: [1, 3, 5], roleId: ROLE, offAt: new Date(SET_AT).toISOString() });
    expect(status?.next).toBeUndefined();
    const shown = toBody(statusView(GUILD, status)) as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> };
    expect(shown.embeds[0]!.title).toBe('Daily post (off)');
    expect(shown.embeds[0]!.fields.find((field) => field.name === 'Off')?.value).toContain('`/daily set` with no options turns it back on');
    await expect(postNow(first.service, GUILD)).rejects.toThrow('The daily post is off: `/daily set` turns it back on, with its channel and time as they were.');
    await runUntil(first, clock, DUE + MINUTE);
    await stop(first);

    // A new process does not hold a schedule that is off, whatever its due time.
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { on: sqlite, logger });
    expect(lines.find((line) => line.msg === 'daily posts scheduled')).toMatchObject({ schedules: 0 });
    await runUntil(second, clock, DUE + 2 * DAY + MINUTE);
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN /daily off then /daily set with no options THEN the same setup posts again, from the next due time on', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, { ...almaty, days: [1, 3, 5] });
    await bot.service.off(GUILD);
    // Monday's time passes while off: it is not caught up when turned back on.
    await runUntil(bot, clock, DUE + 10 * MINUTE);
    const resumed = await bot.service.withChanges(GUILD, parseSchedule({}), OTHER_CHANNEL);
    expect(resumed).toEqual({ ...almaty, days: [1, 3, 5] });
    const status = await bot.service.set(GUILD, resumed);
    expect(status.schedule.offAt).toBeUndefined();
    expect(status.next?.toISOString()).toBe('2025-01-15T04:00:00.000Z');
    await runUntil(bot, clock, DUE + 2 * DAY);
    expect(discord.state.sent.map((post) => [post.channelId, new Date(post.at).toISOString()])).toEqual([[CHANNEL, '2025-01-15T04:00:00.000Z']]);
  });

  it('GIVEN /daily set with some options THEN only those change; a first set needs a time and defaults to the channel it is run in', async () => {
    const clock = { now: SET_AT };
    const bot = await boot(fakeDiscord(clock), clock);
    await expect(bot.service.withChanges(GUILD, parseSchedule({ timezone: 'EST' }), CHANNEL)).rejects.toThrow('The first `/daily set` needs a `time`, like `time:09:00`.');
    await expect(bot.service.withChanges(GUILD, parseSchedule({ time: '09:00' }), undefined)).rejects.toThrow(/needs a `channel`/);
    expect(await bot.service.withChanges(GUILD, parseSchedule({ time: '7:30' }), CHANNEL)).toEqual({ channelId: CHANNEL, time: '07:30', timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], thread: true });

    await bot.service.set(GUILD, almaty);
    expect(await bot.service.withChanges(GUILD, parseSchedule({ time: '10:15', days: 'weekends' }), OTHER_CHANNEL)).toEqual({ ...almaty, time: '10:15', days: [6, 7] });
    expect(await bot.service.withChanges(GUILD, parseSchedule({ channelId: OTHER_CHANNEL, thread: false, noPing: true }), undefined)).toEqual({
      channelId: OTHER_CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: [1, 2, 3, 4, 5, 6, 7], thread: false,
    });
  });

  it('GIVEN a schedule stored before off was kept (no offAt) THEN it is read and posts as before', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const sqlite = store();
    // The record of an older version, as it was written: nothing says on or off.
    await sqlite.namespace('daily').set(GUILD, { channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: [1, 2, 3, 4, 5, 6, 7], thread: false, setAt: new Date(SET_AT - DAY).toISOString() });
    const bot = await boot(discord, clock, { on: sqlite });
    expect((await statusOf(bot.service, GUILD))?.next?.toISOString()).toBe('2025-01-13T04:00:00.000Z');
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a post every day THEN no quote repeats until all are used, across restarts, then a new cycle starts', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const sqlite = store();
    const { quotes } = await (await testLibrary()).forGuild(GUILD);
    let bot = await boot(discord, clock, { on: sqlite });
    await bot.service.set(GUILD, { ...almaty, thread: false });
    const total = quotes.length;
    expect(total).toBeGreaterThan(30);
    const quoteIds = async () => (await statusOf(bot.service, GUILD))!.schedule.lastPost!.quoteId!;
    const seen: string[] = [];
    for (let day = 0; day < total + 3; day++) {
      if (day === Math.floor(total / 2)) {
        // A restart half-way: the rotation is in the store, not in memory.
        await stop(bot);
        bot = await boot(discord, clock, { on: sqlite });
      }
      await runUntil(bot, clock, DUE + day * 24 * 60 * MINUTE);
      seen.push(await quoteIds());
    }
    expect(discord.state.sent).toHaveLength(total + 3);
    expect(new Set(seen.slice(0, total)).size).toBe(total);
    expect(seen.slice(0, total).sort()).toEqual(quotes.map((quote) => quote.id).sort());
    expect(new Set(seen.slice(total)).size).toBe(3);
  });

  it("GIVEN prompt_style critical or reflective THEN the daily post's prompts are of that style, or tied to the quote when none of the style is", async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const sqlite = store();
    const bot = await boot(discord, clock, { on: sqlite });
    const { settings } = bot;
    const { quotes, prompts } = await (await testLibrary()).forGuild(GUILD);
    await bot.service.set(GUILD, { ...almaty, thread: false });
    const promptOf = new Map(prompts.prompts.map((prompt) => [prompt.text, prompt]));
    /** A whole rotation of posts, one /daily now a day: the prompts as shown, with the quote of each. */
    const shown = async () => {
      const from = discord.state.sent.length;
      for (let day = 0; day < quotes.length; day++) {
        clock.now += DAY;
        await postNow(bot.service, GUILD);
      }
      return discord.state.sent.slice(from).map((post) => {
        const text = (toBody(post.message) as { embeds: Array<{ fields: Array<{ value: string }> }> }).embeds[0]!.fields[0]!.value;
        return { prompt: promptOf.get(text.replace(/\\/g, ''))!, quote: post.card.quote };
      });
    };
    const history: Array<Awaited<ReturnType<typeof shown>>[number]> = [];
    for (const style of ['reflective', 'critical'] as const) {
      await settings.update(GUILD, { prompt_style: style });
      const posts = await shown();
      const before = history.length;
      history.push(...posts);
      // Each prompt comes from the first tier with a prompt not among the last 14 shown: a prompt of
      // the other style only when it is tied to the quote, or when every prompt of the style that fits is recent.
      posts.forEach(({ prompt, quote }, index) => {
        const recent = new Set(history.slice(Math.max(0, before + index - 14), before + index).map((post) => post.prompt));
        const tiers = promptTiers(prompts, quote, style, Math.floor((before + index) / quotes.length));
        const tier = tiers.findIndex((candidates) => candidates.includes(prompt));
        expect(tier, quote.id).toBeGreaterThanOrEqual(0);
        expect(tiers.slice(0, tier).flat().filter((better) => !recent.has(better)), quote.id).toEqual([]);
        if (prompt.style !== style) {
          const tied = prompt.refs.includes(quote.ref) && (prompt.contains ?? []).some((phrase) => quote.text.includes(phrase));
          expect(tied || tiers.flat().every((fits) => fits.style !== style || recent.has(fits)), quote.id).toBe(true);
        }
      });
      expect(posts.filter(({ prompt }) => prompt.style === style).length).toBeGreaterThan(posts.length / 2);
    }
  });

  it('GIVEN the bot removed from a server THEN its schedule and rotation are forgotten', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await postNow(bot.service, GUILD);
    await bot.service.forgetGuild(GUILD);
    expect(await statusOf(bot.service, GUILD)).toBeUndefined();
    // Out of the schedule too: no post the next day.
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });
});

describe('the one timer', () => {
  it('GIVEN the service started twice THEN node-cron holds one task for all servers', async () => {
    const discord = fakeDiscord();
    const sqlite = store();
    const settings = createSettingsService({ store: sqlite, logger: silent });
    const service = temp.track(
      createDailyService({ poster: discord.poster, store: sqlite, settings, library: await testLibrary(), history: createHistoryService({ store: sqlite, logger: silent, settings }), logger: silent }),
    );
    for (let i = 0; i < 100; i++) await service.set(String(300_000_000_000_000_000n + BigInt(i)), { ...almaty, time: '09:00', timezone: 'UTC' });
    const before = getTasks().size;
    await service.start();
    await service.start();
    expect(getTasks().size - before).toBe(1);
    await service.stop();
    expect(getTasks().size).toBe(before);
  });
});
