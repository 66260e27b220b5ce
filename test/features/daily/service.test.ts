import { getTasks } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { createDailyService, type DailyService } from '../../../src/features/daily/service.js';
import { parseSchedule } from '../../../src/features/daily/schedule.js';
import { createDailyStore } from '../../../src/features/daily/store.js';
import { notPostedText, previewView } from '../../../src/features/daily/views.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { createSettingsService } from '../../../src/features/settings/service.js';
import type { Store } from '../../../src/lib/store.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { toBody } from '../../helpers/payload.js';
import { CHANNEL, GUILD, OTHER_CHANNEL, OTHER_GUILD, ROLE, fakeDiscord, recordingLogger, startProcess, testLibrary, type BotProcess } from './fixtures.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const silent = createLogger('silent');
// Asia/Almaty is UTC+5: 09:00 there is 04:00 UTC. 2025-01-13 is a Monday.
const SET_AT = Date.parse('2025-01-13T01:00:00Z');
const DUE = Date.parse('2025-01-13T04:00:00Z');
const almaty = parseSchedule({ channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: 'every day', thread: true, roleId: ROLE });

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
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
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

    const after = await bot.service.status(GUILD);
    expect(after?.schedule.lastPost).toMatchObject({ messageId: post!.messageId, channelId: CHANNEL, date: '2025-01-13' });
    expect(after?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');

    await runUntil(bot, clock, DUE + 23 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN no role and no thread THEN nobody is pinged and no thread is started', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, { ...almaty, roleId: undefined, thread: false });
    await runUntil(bot, clock, DUE);
    const [post] = discord.state.sent;
    expect(post!.message.content).toBeUndefined();
    expect(post!.message.allowedMentions).toEqual({ parse: [] });
    expect(post!.threadName).toBeUndefined();
  });

  it('GIVEN a restart in the posting minute THEN there is no second post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
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

  it('GIVEN a process that claimed the date and died before recording its post THEN a restart does not post again', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);
    // The other process's guard record, written just before it died.
    expect(await createDailyStore(store(), silent).claimPost(GUILD, '2025-01-13', 'another-process')).toBe(true);

    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await second.tick();
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN two processes holding the same server THEN the guard lets one of them post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    const second = await boot(discord, clock);
    clock.now = DUE;
    // Both beats are taken before either post is sent.
    await Promise.all([first.tick(), second.tick()]);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN 2 hours of downtime over the posting time THEN one catch-up post on start-up', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await stop(first);

    clock.now = DUE + 2 * 60 * MINUTE;
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger });
    await second.tick();
    expect(discord.state.sent).toHaveLength(1);
    expect((await second.service.status(GUILD))?.schedule.lastPost?.date).toBe('2025-01-13');
    expect(lines.some((line) => line.msg === 'daily posts scheduled' && line.catchUps === 1)).toBe(true);
    await runUntil(second, clock, DUE + 3 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(second, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN 8 hours of downtime THEN the missed post is skipped with a log line, and the next day posts', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
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
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
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

describe('a schedule that cannot post', () => {
  it('GIVEN a deleted channel THEN that schedule pauses with the reason and other servers still post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const { logger, lines } = recordingLogger();
    const bot = await boot(discord, clock, { logger });
    await bot.service.set(GUILD, almaty);
    await bot.service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    discord.state.problems.set(CHANNEL, `The channel <#${CHANNEL}> was deleted, or I can no longer see it.`);
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
    const status = await bot.service.status(GUILD);
    expect(status?.schedule.pausedReason).toMatch(/was deleted/);
    expect(status?.next).toBeUndefined();
    expect(lines.some((line) => line.msg === 'daily post paused' && line.guildId === GUILD)).toBe(true);
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(/paused: The channel .* was deleted/);

    // /daily set again resumes it, and today's post can still be made.
    discord.state.problems.clear();
    await bot.service.set(GUILD, almaty);
    expect((await bot.service.status(GUILD))?.schedule.pausedReason).toBeUndefined();
    await postNow(bot.service, GUILD);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL, CHANNEL]);
  });

  it('GIVEN a paused schedule THEN it is out of the schedule: the next days pass without a post or a word about it', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const { logger, lines } = recordingLogger();
    const bot = await boot(discord, clock, { logger });
    await bot.service.set(GUILD, almaty);
    discord.state.problems.set(CHANNEL, `The channel <#${CHANNEL}> was deleted, or I can no longer see it.`);
    await runUntil(bot, clock, DUE);
    expect((await bot.service.status(GUILD))?.schedule.pausedReason).toMatch(/was deleted/);
    const paused = lines.length;
    discord.state.problems.clear();
    await runUntil(bot, clock, DUE + 2 * 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(0);
    expect(lines.slice(paused).filter((line) => line.guildId === GUILD)).toEqual([]);
  });

  it('GIVEN Discord refusing the send THEN the schedule pauses and the day is not used up', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.refused.add(CHANNEL);
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    expect((await bot.service.status(GUILD))?.schedule.pausedReason).toMatch(/Missing Permissions/);
    discord.state.refused.clear();
    await bot.service.set(GUILD, almaty);
    await postNow(bot.service, GUILD);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a passing failure THEN the post is retried a few minutes later, once', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    discord.state.failures = 1;
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    expect((await bot.service.status(GUILD))?.schedule.pausedReason).toBeUndefined();
    await runUntil(bot, clock, DUE + 6 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect((await bot.service.status(GUILD))?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
  });
});

describe('/daily now, preview, off and the rotation', () => {
  it("GIVEN /daily now THEN it posts, counts as today's post, and a second one says today's post is up", async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(UserError);
    await bot.service.set(GUILD, almaty);
    const posted = await postNow(bot.service, GUILD);
    expect(posted.lastPost.date).toBe('2025-01-13');
    await expect(postNow(bot.service, GUILD)).rejects.toThrow(/Today's post \(2025-01-13\) is already up: https:\/\/discord\.com\/channels\//);
    await runUntil(bot, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN a preview THEN it shows the quote and prompt that will be posted, pinging nobody', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    const preview = previewView(await bot.service.preview(GUILD));
    expect(preview.allowedMentions).toEqual({ parse: [] });
    expect(preview.content).not.toMatch(/^<@&/);
    await runUntil(bot, clock, DUE);
    expect(toBody(discord.state.sent[0]!.message).embeds).toEqual(toBody(preview).embeds);
  });

  it('GIVEN /daily off THEN nothing more is posted and status says so', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    expect(await bot.service.off(GUILD)).toBe(true);
    expect(await bot.service.off(GUILD)).toBe(false);
    expect(await bot.service.status(GUILD)).toBeUndefined();
    await runUntil(bot, clock, DUE + MINUTE);
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN a post every day THEN no quote repeats until all are used, across restarts, then a new cycle starts', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const sqlite = store();
    const { quotes } = await (await testLibrary()).forGuild(GUILD);
    let bot = await boot(discord, clock, { on: sqlite });
    await bot.service.set(GUILD, { ...almaty, thread: false });
    const total = quotes.length;
    expect(total).toBeGreaterThan(30);
    const quoteIds = async () => (await bot.service.status(GUILD))!.schedule.lastPost!.quoteId!;
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

  it("GIVEN prompt_style critical or reflective THEN the daily post's prompts are of that style", async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const sqlite = store();
    const bot = await boot(discord, clock, { on: sqlite });
    const settings = createSettingsService({ store: sqlite, logger: silent });
    const { quotes, prompts } = await (await testLibrary()).forGuild(GUILD);
    await bot.service.set(GUILD, { ...almaty, thread: false });
    /** A whole rotation of posts, one /daily now a day, and the styles of their prompts as shown. */
    const styles = async () => {
      const from = discord.state.sent.length;
      for (let day = 0; day < quotes.length; day++) {
        clock.now += DAY;
        await postNow(bot.service, GUILD);
      }
      const shown = discord.state.sent.slice(from).map((post) => (toBody(post.message) as { embeds: Array<{ fields: Array<{ value: string }> }> }).embeds[0]!.fields[0]!.value);
      return new Set(shown.map((text) => styleOf.get(text.replace(/\\/g, ''))));
    };
    const styleOf = new Map(prompts.prompts.map((prompt) => [prompt.text, prompt.style]));
    await settings.update(GUILD, { prompt_style: 'reflective' });
    expect(await styles()).toEqual(new Set(['reflective']));
    await settings.update(GUILD, { prompt_style: 'critical' });
    expect(await styles()).toEqual(new Set(['critical']));
  });

  it('GIVEN the bot removed from a server THEN its schedule and rotation are forgotten', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await postNow(bot.service, GUILD);
    await bot.service.forgetGuild(GUILD);
    expect(await bot.service.status(GUILD)).toBeUndefined();
    // Out of the schedule too: no post the next day.
    await runUntil(bot, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });
});

describe('the one timer', () => {
  it('GIVEN the service started twice THEN node-cron holds one task for all servers', async () => {
    const discord = fakeDiscord();
    const sqlite = store();
    const service = temp.track(
      createDailyService({ poster: discord.poster, store: sqlite, settings: createSettingsService({ store: sqlite, logger: silent }), library: await testLibrary(), logger: silent }),
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
