import { describe, expect, it } from 'vitest';
import { applyChanges, parseSchedule } from '../../../src/features/daily/schedule.js';
import { createPlanService } from '../../../src/features/plans/service.js';
import { linkOf } from '../../../src/features/recap/assemble.js';
import { createRecapService, RecapRefused, type RecapPoster, type RecapService } from '../../../src/features/recap/service.js';
import { needsDailyText, recapView } from '../../../src/features/recap/views.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { Store } from '../../../src/lib/store.js';
import { embedText, expectWithinLimits, toBody } from '../../helpers/payload.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { CHANNEL, GUILD, OTHER_GUILD, fakeDiscord, manualTicker, recordingLogger, startProcess, testLibrary, type BotProcess } from '../daily/fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const silent = createLogger('silent');
// Asia/Almaty is UTC+5: the daily post at 09:00 there is 04:00 UTC, the recap on Sunday 18:00 is 13:00 UTC.
// 2025-01-13 is a Monday, 2025-01-19 the Sunday after.
const SET_AT = Date.parse('2025-01-13T01:00:00Z');
const SUNDAY_RECAP = Date.parse('2025-01-19T13:00:00Z');
const almaty = applyChanges(undefined, parseSchedule({ channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: 'every day', thread: true }), undefined);

const temp = useTempStores('recap');

/** The weekly recap as Discord sees it, shared by every process of a test: what was sent, channels that refuse, threads deleted. */
function fakeRecapDiscord() {
  let nextId = 500_000_000_000_000_000n;
  const state = {
    guilds: new Set([GUILD, OTHER_GUILD]),
    refused: new Set<string>(),
    deletedThreads: new Set<string>(),
    sent: [] as Array<{ channelId: string; date: string; text: string; at: number }>,
  };
  const poster = (clock: { now: number }): RecapPoster => ({
    holdsGuild: (guildId) => state.guilds.has(guildId),
    links: async (guildId, entries) =>
      entries.map((entry) =>
        linkOf({
          ...(entry.messageId ? { message: { url: `https://discord.com/channels/${guildId}/${entry.channelId}/${entry.messageId}`, deleted: false } } : {}),
          ...(entry.threadId ? { thread: { url: `https://discord.com/channels/${guildId}/${entry.threadId}`, deleted: state.deletedThreads.has(entry.threadId), messageCount: 2 } } : {}),
        }),
      ),
    async send(channelId, date, recap) {
      const message = recapView(recap, true);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (state.refused.has(channelId)) throw new RecapRefused(`Discord refused the recap in <#${channelId}>: Missing Permissions.`);
      expectWithinLimits(message);
      state.sent.push({ channelId, date, text: embedText(toBody(message)) || String(message.content), at: clock.now });
      return { messageId: String(nextId++) };
    },
  });
  return { state, poster };
}

interface Process {
  daily: BotProcess;
  recap: RecapService;
  tick(): Promise<void>;
  stop(): Promise<void>;
}

type Worlds = { discord: ReturnType<typeof fakeDiscord>; recaps: ReturnType<typeof fakeRecapDiscord>; clock: { now: number } };

function worlds(): Worlds {
  const clock = { now: SET_AT };
  return { clock, discord: fakeDiscord(clock), recaps: fakeRecapDiscord() };
}

/** One bot process: the daily post and the recap on a store, with the test's clock and beat. */
async function boot({ discord, recaps, clock }: Worlds, options: { on?: Store; logger?: typeof silent } = {}): Promise<Process> {
  const store = options.on ?? temp.open();
  const logger = options.logger ?? silent;
  const daily = await startProcess({ store, poster: discord.poster, clock, logger });
  temp.track(daily.service);
  const library = await testLibrary();
  const plans = createPlanService({ store, library, daily: daily.service, logger });
  const beat = manualTicker(clock);
  const recap = temp.track(createRecapService({ store, logger, poster: recaps.poster(clock), history: daily.history, plans, library, daily: daily.service, now: () => clock.now, ticker: beat.ticker }));
  await recap.start();
  return {
    daily,
    recap,
    async tick() {
      await daily.tick();
      await beat.fire();
    },
    async stop() {
      await recap.stop();
      await daily.service.stop();
      temp.stopped(recap);
      temp.stopped(daily.service);
    },
  };
}

/** Moves the clock by `step` to `to`, the processes ticking together at each step. */
async function runUntil(processes: Process[], clock: { now: number }, to: number, step = HOUR): Promise<void> {
  while (clock.now + step <= to) {
    clock.now += step;
    await Promise.all(processes.map((process) => process.tick()));
  }
}

describe('the weekly recap', () => {
  it('GIVEN a week of daily posts and a recap on Sunday at 18:00 THEN it is posted once then, in the daily channel, telling the week; not again that week', async () => {
    const world = worlds();
    const bot = await boot(world);
    await bot.daily.service.set(GUILD, almaty);
    const scheduled = await bot.recap.schedule(GUILD, { day: 7, time: '18:00' });
    expect(scheduled).toMatchObject({ day: 7, time: '18:00', timezone: 'Asia/Almaty', channelId: CHANNEL, next: new Date(SUNDAY_RECAP) });

    await runUntil([bot], world.clock, SUNDAY_RECAP - HOUR);
    expect(world.discord.state.sent).toHaveLength(7);
    expect(world.recaps.state.sent).toHaveLength(0);
    await runUntil([bot], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(1);
    const [recap] = world.recaps.state.sent;
    expect(recap).toMatchObject({ channelId: CHANNEL, date: '2025-01-19', at: SUNDAY_RECAP });
    expect(recap!.text).toContain('Weekly recap');
    expect(recap!.text).toContain('7 passages posted');
    expect(recap!.text).toContain('**2025-01-13**');
    expect(recap!.text).toContain('(2 replies)');

    await runUntil([bot], world.clock, SUNDAY_RECAP + 6 * DAY);
    expect(world.recaps.state.sent).toHaveLength(1);
    await runUntil([bot], world.clock, SUNDAY_RECAP + 7 * DAY);
    expect(world.recaps.state.sent).toHaveLength(2);
  });

  it('GIVEN a restart after the recap THEN no second one; GIVEN the bot down over the slot THEN it is caught up once within 6 hours, and skipped later than that', async () => {
    const world = worlds();
    const store = temp.open();
    let bot = await boot(world, { on: store });
    await bot.daily.service.set(GUILD, almaty);
    await bot.recap.schedule(GUILD, { day: 7, time: '18:00' });
    await runUntil([bot], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(1);

    await bot.stop();
    bot = await boot(world, { on: store });
    await runUntil([bot], world.clock, SUNDAY_RECAP + 2 * HOUR);
    expect(world.recaps.state.sent).toHaveLength(1);

    // Down from an hour before the next Sunday's recap until 5 hours after it: caught up at start.
    await runUntil([bot], world.clock, SUNDAY_RECAP + 7 * DAY - HOUR);
    await bot.stop();
    world.clock.now = SUNDAY_RECAP + 7 * DAY + 5 * HOUR;
    bot = await boot(world, { on: store });
    await bot.tick();
    expect(world.recaps.state.sent.map((sent) => [sent.date, sent.at])).toEqual([
      ['2025-01-19', SUNDAY_RECAP],
      ['2025-01-26', SUNDAY_RECAP + 7 * DAY + 5 * HOUR],
    ]);
    await bot.stop();
    bot = await boot(world, { on: store });
    await bot.tick();
    expect(world.recaps.state.sent).toHaveLength(2);

    // Down over the third Sunday for 8 hours: no recap that week.
    await runUntil([bot], world.clock, SUNDAY_RECAP + 14 * DAY - HOUR);
    await bot.stop();
    world.clock.now = SUNDAY_RECAP + 14 * DAY + 7 * HOUR;
    bot = await boot(world, { on: store });
    await runUntil([bot], world.clock, world.clock.now + HOUR);
    expect(world.recaps.state.sent).toHaveLength(2);
  });

  it('GIVEN two processes on one store due the same minute THEN exactly one recap, and the other process says the date was claimed', async () => {
    const world = worlds();
    const { logger: firstLogger, lines: firstLines } = recordingLogger();
    const { logger: secondLogger, lines: secondLines } = recordingLogger();
    const first = await boot(world, { logger: firstLogger });
    await first.daily.service.set(GUILD, almaty);
    await first.recap.schedule(GUILD, { day: 7, time: '18:00' });
    await runUntil([first], world.clock, SUNDAY_RECAP - HOUR);
    // The second process starts late in the week and loads the recap schedule from the store.
    const second = await boot(world, { logger: secondLogger });
    await runUntil([first, second], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(1);
    const said = (msg: string) => [firstLines, secondLines].filter((lines) => lines.some((line) => line.msg === msg)).length;
    expect(said('weekly recap posted')).toBe(1);
    expect(said('weekly recap already claimed')).toBe(1);
    expect(secondLines.find((line) => line.msg === 'weekly recaps scheduled')).toMatchObject({ schedules: 1 });
  });

  it('GIVEN the daily post moved to another timezone during the week THEN the recap comes at its time in the new timezone', async () => {
    const world = worlds();
    const bot = await boot(world);
    await bot.daily.service.set(GUILD, almaty);
    await bot.recap.schedule(GUILD, { day: 7, time: '18:00' });
    await runUntil([bot], world.clock, SET_AT + 2 * DAY);
    await bot.daily.service.set(GUILD, { ...almaty, timezone: 'UTC' });
    await runUntil([bot], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(0);
    // 18:00 on Sunday in UTC.
    await runUntil([bot], world.clock, SUNDAY_RECAP + 5 * HOUR);
    expect(world.recaps.state.sent.map((sent) => sent.at)).toEqual([SUNDAY_RECAP + 5 * HOUR]);
  });

  it('GIVEN Discord refusing the recap THEN nothing is posted and the date stays free: a restart within 6 hours posts it once', async () => {
    const world = worlds();
    const store = temp.open();
    let bot = await boot(world, { on: store });
    await bot.daily.service.set(GUILD, almaty);
    await bot.recap.schedule(GUILD, { day: 7, time: '18:00' });
    world.recaps.state.refused.add(CHANNEL);
    await runUntil([bot], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(0);

    world.recaps.state.refused.clear();
    await bot.stop();
    bot = await boot(world, { on: store });
    await bot.tick();
    expect(world.recaps.state.sent).toHaveLength(1);
  });

  it('GIVEN a week with nothing in it THEN no recap is posted; GIVEN /recap off THEN none the week after', async () => {
    const world = worlds();
    const bot = await boot(world);
    await bot.daily.service.set(GUILD, almaty);
    await bot.daily.service.off(GUILD);
    await bot.recap.schedule(GUILD, { day: 7, time: '18:00' });
    await runUntil([bot], world.clock, SUNDAY_RECAP);
    expect(world.recaps.state.sent).toHaveLength(0);

    expect(await bot.recap.off(GUILD)).toBe('off');
    expect(await bot.recap.off(GUILD)).toBe('none');
    await bot.daily.service.set(GUILD, almaty);
    await runUntil([bot], world.clock, SUNDAY_RECAP + 7 * DAY);
    expect(world.recaps.state.sent).toHaveLength(0);
  });

  it('GIVEN no daily post THEN /recap schedule is refused in one sentence; a bad time or day too', async () => {
    const world = worlds();
    const bot = await boot(world);
    await expect(bot.recap.schedule(GUILD, { day: 1, time: '09:00' })).rejects.toThrow(new UserError(needsDailyText));
    await bot.daily.service.set(GUILD, almaty);
    await expect(bot.recap.schedule(GUILD, { day: 1, time: '9am' })).rejects.toThrow(/`9am` is not a time/);
    await expect(bot.recap.schedule(GUILD, { day: 8, time: '09:00' })).rejects.toThrow('`day` must be at most 7.');
    await expect(bot.recap.show(GUILD, { days: 32 })).rejects.toThrow('`days` must be at most 31.');
  });
});

describe('/recap show', () => {
  it('GIVEN the days asked THEN only what happened in them is told, and another server sees none of it', async () => {
    const world = worlds();
    const bot = await boot(world);
    await bot.daily.service.set(GUILD, almaty);
    await runUntil([bot], world.clock, SET_AT + 5 * DAY);
    const sent = world.discord.state.sent;
    world.recaps.state.deletedThreads.add(sent[sent.length - 1]!.messageId);

    const week = embedText(expectWithinLimits(recapView(await bot.recap.show(GUILD, { days: null }))));
    expect(week).toContain('5 passages posted');
    expect(week).toContain('thread deleted');
    const twoDays = await bot.recap.show(GUILD, { days: 2 });
    expect(twoDays.posts.map((post) => post.date)).toEqual(['2025-01-17', '2025-01-16']);
    expect(recapView(await bot.recap.show(OTHER_GUILD, { days: 31 })).content).toBe('Nothing was posted, polled or noted on this server in the last 31 days.');
  });
});
