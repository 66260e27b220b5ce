import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, type Corpus } from '../../../src/library/corpus.js';
import { createDailyStore } from '../../../src/features/daily/store.js';
import type { DailyService } from '../../../src/features/daily/service.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { createSettingsStore } from '../../../src/features/settings/service.js';
import type { Store } from '../../../src/lib/store.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { CHANNEL, GUILD, OTHER_CHANNEL, OTHER_GUILD, ROLE, fakeDiscord, recordingLogger, startProcess } from './fixtures.js';

const MINUTE = 60_000;
const silent = createLogger('silent');
// Asia/Almaty is UTC+5: 09:00 there is 04:00 UTC. 2025-01-13 is a Monday.
const SET_AT = Date.parse('2025-01-13T01:00:00Z');
const DUE = Date.parse('2025-01-13T04:00:00Z');
const almaty = { channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: 'every day', thread: true, roleId: ROLE };

let corpus: Corpus;
const temp = useTempStores('daily');

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
});


/** A store on the test's SQLite file: each call is another connection, as another process has. */
function store(): Store {
  return temp.open();
}

async function boot(discord: ReturnType<typeof fakeDiscord>, clock: { now: number }, options: { logger?: ReturnType<typeof recordingLogger>['logger']; start?: boolean; on?: Store } = {}) {
  const service = await startProcess({ store: options.on ?? store(), corpus, poster: discord.poster, clock, logger: options.logger ?? silent, start: options.start });
  return temp.track(service);
}

/** Moves the clock minute by minute to `to`, ticking and letting each post finish. */
async function runUntil(service: DailyService, clock: { now: number }, to: number): Promise<void> {
  while (clock.now + MINUTE <= to) {
    clock.now += MINUTE;
    if (service.tick(clock.now).length > 0) await service.idle();
  }
}

async function stop(service: DailyService): Promise<void> {
  await service.stop();
  temp.stopped(service);
}

describe('the daily post', () => {
  it('GIVEN a schedule THEN the post comes at its minute with quote, prompt, passage button, role ping only and a thread', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    const status = await service.set(GUILD, almaty);
    expect(status.next?.toISOString()).toBe('2025-01-13T04:00:00.000Z');

    await runUntil(service, clock, DUE - MINUTE);
    expect(discord.state.sent).toHaveLength(0);
    await runUntil(service, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
    const [post] = discord.state.sent;
    expect(post!.channelId).toBe(CHANNEL);
    expect(post!.message.content).toBe(`<@&${ROLE}>`);
    expect(post!.message.allowedMentions).toEqual({ parse: [], roles: [ROLE] });
    const embed = post!.message.embeds![0] as { description: string; fields: Array<{ value: string }>; footer: { text: string } };
    expect(embed.fields[0]!.value.endsWith('?')).toBe(true);
    expect(post!.threadName).toBeTruthy();
    expect(post!.threadName!.length).toBeLessThanOrEqual(100);
    const button = (post!.message.components![0] as { components: Array<{ custom_id: string }> }).components[0]!;
    expect(button.custom_id).toMatch(/^passage:show:[a-z-]+:\d+$/);

    const after = await service.status(GUILD);
    expect(after?.schedule.lastPost).toMatchObject({ messageId: post!.messageId, channelId: CHANNEL, date: '2025-01-13' });
    expect(after?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');

    await runUntil(service, clock, DUE + 23 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(service, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN no role and no thread THEN nobody is pinged and no thread is started', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, { ...almaty, roleId: null, thread: false });
    await runUntil(service, clock, DUE);
    const [post] = discord.state.sent;
    expect(post!.message.content).toBeUndefined();
    expect(post!.message.allowedMentions).toEqual({ parse: [] });
    expect(post!.threadName).toBeUndefined();
  });

  it('GIVEN a restart in the posting minute THEN there is no second post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.set(GUILD, almaty);
    await runUntil(first, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
    await stop(first);

    clock.now = DUE + 30_000;
    const second = await boot(discord, clock);
    await second.idle();
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a process that claimed the date and died before recording its post THEN a restart does not post again', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.set(GUILD, almaty);
    await stop(first);
    // The other process's guard record, written just before it died.
    expect(await createDailyStore(store(), silent).claimPost(GUILD, '2025-01-13', 'another-process')).toBe(true);

    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await second.idle();
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN two processes holding the same server THEN the guard lets one of them post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.set(GUILD, almaty);
    const second = await boot(discord, clock);
    clock.now = DUE;
    first.tick(DUE);
    second.tick(DUE);
    await Promise.all([first.idle(), second.idle()]);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN 2 hours of downtime over the posting time THEN one catch-up post on start-up', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.set(GUILD, almaty);
    await stop(first);

    clock.now = DUE + 2 * 60 * MINUTE;
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger });
    await second.idle();
    expect(discord.state.sent).toHaveLength(1);
    expect((await second.status(GUILD))?.schedule.lastPost?.date).toBe('2025-01-13');
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
    await first.set(GUILD, almaty);
    await stop(first);

    clock.now = DUE + 8 * 60 * MINUTE;
    const { logger, lines } = recordingLogger();
    const second = await boot(discord, clock, { logger });
    await second.idle();
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
    await first.set(GUILD, almaty);
    await stop(first);
    clock.now = DUE + 60 * MINUTE;
    const second = await boot(discord, clock);
    await second.idle();
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN servers this shard does not hold THEN their schedules are left to their own shard', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const first = await boot(discord, clock);
    await first.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    await stop(first);
    discord.state.guilds.delete(OTHER_GUILD);
    const second = await boot(discord, clock);
    expect(second.scheduler.has(OTHER_GUILD)).toBe(false);
    await runUntil(second, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);

    // The server comes to this shard later (guildCreate): its schedule is held from then on.
    discord.state.guilds.add(OTHER_GUILD);
    await second.loadGuild(OTHER_GUILD);
    expect(second.scheduler.has(OTHER_GUILD)).toBe(true);
    await second.idle();
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
  });
});

describe('a schedule that cannot post', () => {
  it('GIVEN a deleted channel THEN that schedule pauses with the reason and other servers still post', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const { logger, lines } = recordingLogger();
    const service = await boot(discord, clock, { logger });
    await service.set(GUILD, almaty);
    await service.set(OTHER_GUILD, { ...almaty, channelId: OTHER_CHANNEL });
    discord.state.problems.set(CHANNEL, `The channel <#${CHANNEL}> was deleted, or I can no longer see it.`);
    await runUntil(service, clock, DUE);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL]);
    const status = await service.status(GUILD);
    expect(status?.schedule.pausedReason).toMatch(/was deleted/);
    expect(status?.next).toBeUndefined();
    expect(service.scheduler.has(GUILD)).toBe(false);
    expect(lines.some((line) => line.msg === 'daily post paused' && line.guildId === GUILD)).toBe(true);
    await expect(service.postNow(GUILD)).rejects.toThrow(/paused: The channel .* was deleted/);

    // /daily set again resumes it, and today's post can still be made.
    discord.state.problems.clear();
    await service.set(GUILD, almaty);
    expect((await service.status(GUILD))?.schedule.pausedReason).toBeUndefined();
    await service.postNow(GUILD);
    expect(discord.state.sent.map((post) => post.channelId)).toEqual([OTHER_CHANNEL, CHANNEL]);
  });

  it('GIVEN Discord refusing the send THEN the schedule pauses and the day is not used up', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, almaty);
    discord.state.refused.add(CHANNEL);
    await runUntil(service, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    expect((await service.status(GUILD))?.schedule.pausedReason).toMatch(/Missing Permissions/);
    discord.state.refused.clear();
    await service.set(GUILD, almaty);
    await service.postNow(GUILD);
    expect(discord.state.sent).toHaveLength(1);
  });

  it('GIVEN a passing failure THEN the post is retried a few minutes later, once', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, almaty);
    discord.state.failures = 1;
    await runUntil(service, clock, DUE);
    expect(discord.state.sent).toHaveLength(0);
    expect((await service.status(GUILD))?.schedule.pausedReason).toBeUndefined();
    await runUntil(service, clock, DUE + 6 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect((await service.status(GUILD))?.next?.toISOString()).toBe('2025-01-14T04:00:00.000Z');
  });
});

describe('/daily now, preview, off and the rotation', () => {
  it("GIVEN /daily now THEN it posts, counts as today's post, and a second one says today's post is up", async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await expect(service.postNow(GUILD)).rejects.toThrow(UserError);
    await service.set(GUILD, almaty);
    const posted = await service.postNow(GUILD);
    expect(posted.lastPost.date).toBe('2025-01-13');
    await expect(service.postNow(GUILD)).rejects.toThrow(/Today's post \(2025-01-13\) is already up: https:\/\/discord\.com\/channels\//);
    await runUntil(service, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    await runUntil(service, clock, DUE + 24 * 60 * MINUTE);
    expect(discord.state.sent).toHaveLength(2);
  });

  it('GIVEN a preview THEN it shows the quote and prompt that will be posted, pinging nobody', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, almaty);
    const preview = await service.preview(GUILD);
    expect(preview.message.allowedMentions).toEqual({ parse: [] });
    expect(preview.message.content).toBeUndefined();
    await runUntil(service, clock, DUE);
    expect(discord.state.sent[0]!.message.embeds).toEqual(preview.message.embeds);
  });

  it('GIVEN /daily off THEN nothing more is posted and status says so', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, almaty);
    expect(await service.off(GUILD)).toBe(true);
    expect(await service.off(GUILD)).toBe(false);
    expect(await service.status(GUILD)).toBeUndefined();
    await runUntil(service, clock, DUE + MINUTE);
    expect(discord.state.sent).toHaveLength(0);
  });

  it('GIVEN a post every day THEN no quote repeats until all are used, across restarts, then a new cycle starts', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const sqlite = store();
    let service = await boot(discord, clock, { on: sqlite });
    await service.set(GUILD, { ...almaty, thread: false });
    const total = service.quotes.length;
    expect(total).toBeGreaterThan(30);
    const quoteIds = async () => (await service.status(GUILD))!.schedule.lastPost!.quoteId!;
    const seen: string[] = [];
    for (let day = 0; day < total + 3; day++) {
      if (day === Math.floor(total / 2)) {
        // A restart half-way: the rotation is in the store, not in memory.
        await stop(service);
        service = await boot(discord, clock, { on: sqlite });
      }
      await runUntil(service, clock, DUE + day * 24 * 60 * MINUTE);
      seen.push(await quoteIds());
    }
    expect(discord.state.sent).toHaveLength(total + 3);
    expect(new Set(seen.slice(0, total)).size).toBe(total);
    expect(seen.slice(0, total).sort()).toEqual(service.quotes.map((quote) => quote.id).sort());
    expect(new Set(seen.slice(total)).size).toBe(3);
  });

  it("GIVEN prompt_style critical or reflective THEN the daily post's prompts are of that style", async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const sqlite = store();
    const service = await boot(discord, clock, { on: sqlite });
    const settings = createSettingsStore(sqlite, silent);
    const texts = async () => {
      const prompts = [];
      for (const quote of service.quotes) {
        const message = await service.quote(GUILD, quote.articleId);
        prompts.push((message.embeds![0] as { fields: Array<{ value: string }> }).fields[0]!.value);
      }
      return prompts;
    };
    const { prompts: all } = await import('../../../src/library/prompts.js').then((module) => module.loadPrompts('corpus', corpus, service.quotes));
    const styleOf = new Map(all.map((prompt) => [prompt.text, prompt.style]));
    await settings.update(GUILD, { prompt_style: 'reflective' });
    expect(new Set((await texts()).map((text) => styleOf.get(text.replace(/\\/g, ''))))).toEqual(new Set(['reflective']));
    await settings.update(GUILD, { prompt_style: 'critical' });
    expect(new Set((await texts()).map((text) => styleOf.get(text.replace(/\\/g, ''))))).toEqual(new Set(['critical']));
  });

  it('GIVEN the bot removed from a server THEN its schedule and rotation are forgotten', async () => {
    const discord = fakeDiscord();
    const clock = { now: SET_AT };
    const service = await boot(discord, clock);
    await service.set(GUILD, almaty);
    await service.postNow(GUILD);
    await service.forgetGuild(GUILD);
    expect(await service.status(GUILD)).toBeUndefined();
    expect(service.scheduler.has(GUILD)).toBe(false);
  });

  it('GIVEN /quote with an unknown article THEN a clear message', async () => {
    const service = await boot(fakeDiscord(), { now: SET_AT });
    await expect(service.quote(GUILD, 'no-such-article')).rejects.toThrow(UserError);
    const message = await service.quote(GUILD, 'former-kazakhstan');
    expect(message.content).toBeUndefined();
    expect(message.allowedMentions).toEqual({ parse: [] });
    expect((message.embeds![0] as { footer: { text: string } }).footer.text).toMatch(/^former-kazakhstan:\d+/);
  });
});
