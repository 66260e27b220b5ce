import { escapeMarkdown, type APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { applyChanges, localDate, parseSchedule } from '../../../src/features/daily/schedule.js';
import { claimValue, createDailyStore } from '../../../src/features/daily/store.js';
import { previewView } from '../../../src/features/daily/views.js';
import { createPlanPosts } from '../../../src/features/plans/posts.js';
import { createPlanService, type PlanService } from '../../../src/features/plans/service.js';
import { statusView } from '../../../src/features/plans/views.js';
import { UserError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { Store } from '../../../src/lib/store.js';
import { shippedCorpus } from '../../helpers/context.js';
import { useTempStores } from '../../helpers/temp-stores.js';
import { toBody } from '../../helpers/payload.js';
import { CHANNEL, GUILD, OTHER_GUILD, fakeDiscord, startProcess, testLibrary, type BotProcess } from '../daily/fixtures.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const silent = createLogger('silent');
// Asia/Almaty is UTC+5: 09:00 there is 04:00 UTC.
const SET_AT = Date.parse('2025-01-13T01:00:00Z');
const DUE = Date.parse('2025-01-13T04:00:00Z');
const almaty = applyChanges(undefined, parseSchedule({ channelId: CHANNEL, time: '09:00', timezone: 'Asia/Almaty', days: 'every day', thread: true }), undefined);
const ADMIN = '200000000000000099';

const temp = useTempStores('plans');

interface Bot extends BotProcess {
  plans: PlanService;
}

/** One bot process: the daily service (which reads and moves the plan) and /plan's service, on a connection of the test's SQLite file. */
async function boot(discord: ReturnType<typeof fakeDiscord>, clock: { now: number }, on: Store = temp.open()): Promise<Bot> {
  const bot = await startProcess({ store: on, poster: discord.poster, clock, logger: silent });
  temp.track(bot.service);
  return { ...bot, plans: createPlanService({ store: on, library: await testLibrary(), daily: bot.service, logger: silent, now: () => clock.now }) };
}

async function stop(bot: Bot): Promise<void> {
  await bot.service.stop();
  temp.stopped(bot.service);
}

async function runUntil(bot: BotProcess, clock: { now: number }, to: number): Promise<void> {
  while (clock.now + MINUTE <= to) {
    clock.now += MINUTE;
    await bot.tick();
  }
}

interface Shown {
  author: string;
  description: string;
  footer: string;
  fields: Array<{ name: string; value: string }>;
  button: string;
}

/** What a post of the fake Discord shows: its embed's parts and its button's custom id. */
function shown(message: Parameters<typeof toBody>[0]): Shown {
  const body = toBody(message) as { embeds: APIEmbed[]; components: Array<{ components: Array<{ custom_id: string }> }> };
  const embed = body.embeds[0]!;
  return { author: embed.author?.name ?? '', description: embed.description ?? '', footer: embed.footer?.text ?? '', fields: embed.fields ?? [], button: body.components[0]!.components[0]!.custom_id };
}

const statusLine = async (bot: Bot) => statusView(await bot.plans.status(GUILD)).content!.split('\n')[0];

describe('a reading plan', () => {
  it('GIVEN former-kazakhstan at 2 a day from 3 THEN each post reads the next paragraphs with a prompt, status follows, a closing post names what was read, and the quotes come back', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    const started = await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 2, from: 3 });
    expect(started.days).toBe(4);
    expect(await statusLine(bot)).toContain('day 0 of 4, next: `former-kazakhstan:3-4`');

    const article = (await testLibrary().then((library) => library.forGuild(GUILD))).corpus.byId.get('former-kazakhstan')!;
    const spans = [[3, 4], [5, 6], [7, 8], [9, 9]] as const;
    for (const [day, [from, to]] of spans.entries()) {
      await runUntil(bot, clock, DUE + day * DAY);
      expect(discord.state.sent).toHaveLength(day + 1);
      const post = shown(discord.state.sent[day]!.message);
      expect(post.author).toBe(`Reading plan · day ${day + 1} of 4`);
      for (let paragraph = from; paragraph <= to; paragraph++) expect(post.description).toContain(`**¶${paragraph}**`);
      expect(post.description).not.toContain(`**¶${to + 1}**`);
      expect(post.footer).toMatch(new RegExp(`^former-kazakhstan:${from === to ? from : `${from}-${to}`} · .* · ${localDate(clock.now, 'Asia/Almaty')}$`));
      expect(post.button).toBe(`passage:show:former-kazakhstan:${from === to ? from : `${from}-${to}`}`);
      const discuss = post.fields.find((field) => field.name === 'Discuss')!;
      expect(discuss.value.endsWith('?')).toBe(true);
      expect(discord.state.sent[day]!.threadName).toBeTruthy();
      expect(post.description).toContain(escapeMarkdown(article.paragraphs[to - 1]!.text));
    }
    expect(await statusLine(bot)).toContain('day 4 of 4, next: the closing post');

    await runUntil(bot, clock, DUE + 4 * DAY);
    const closing = shown(discord.state.sent[4]!.message);
    expect(closing.author).toBe('Reading plan · finished');
    expect(closing.description).toContain(`over 4 days we read **${escapeMarkdown(article.title)}**`);
    expect(closing.description).toContain('`former-kazakhstan:3-9`');
    expect(closing.description).toContain('daily quotes are back');
    expect(await statusLine(bot)).toMatch(/^The reading plan of .* finished on 2025-01-17/);

    await runUntil(bot, clock, DUE + 5 * DAY);
    expect(shown(discord.state.sent[5]!.message).author).toBe('Quote of the day');
    expect(discord.state.sent).toHaveLength(6);
  });

  it('GIVEN a restart in the middle THEN a new process on the same store goes on from the next day', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await first.plans.start(GUILD, ADMIN, { article: 'why-putin-interferes', per_day: 3, from: null });
    await runUntil(first, clock, DUE);
    await stop(first);

    const second = await boot(discord, clock);
    expect(await statusLine(second)).toContain('day 1 of 3, next: `why-putin-interferes:4-6`');
    await runUntil(second, clock, DUE + 2 * DAY);
    expect(discord.state.sent.map((sent) => shown(sent.message).author)).toEqual(['Reading plan · day 1 of 3', 'Reading plan · day 2 of 3', 'Reading plan · day 3 of 3']);
    expect(shown(discord.state.sent[2]!.message).description).toContain('**¶7**');
  });

  it('GIVEN a send whose answer is lost THEN the retry finds the post and the plan moves once', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null });
    discord.state.lostAnswers = 1;
    await runUntil(bot, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect(await statusLine(bot)).toContain('day 1 of 9, next: `former-kazakhstan:2`');
    await runUntil(bot, clock, DUE + DAY);
    expect(shown(discord.state.sent[1]!.message).author).toBe('Reading plan · day 2 of 9');
  });

  it.each([
    ['after the post and before the plan moved', false],
    ['after the plan moved and before the post was recorded', true],
  ])('GIVEN a process killed %s THEN the restart finds the post, records it, and the plan has moved exactly once', async (_when, moved) => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const first = await boot(discord, clock);
    await first.service.set(GUILD, almaty);
    await first.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 2, from: null });
    await stop(first);

    // What the killed process left: its claim and attempt, the post in Discord and, when `moved`, the plan moved on.
    clock.now = DUE;
    const store = temp.open();
    const daily = createDailyStore(store, silent);
    const at = new Date(clock.now).toISOString();
    const date = localDate(clock.now, 'Asia/Almaty');
    expect(await daily.claimPost(GUILD, date, claimValue('dead-host:4242:0000', clock.now), () => false)).toBe(true);
    await daily.saveSchedule(GUILD, { ...(await daily.getSchedule(GUILD))!, attempt: { date, slot: at, firstAt: at, at, tries: 1 } });
    const { card, plan } = await first.service.preview(GUILD);
    await discord.poster.send(CHANNEL, { card, plan: plan!, date, thread: false });
    if (moved) await createPlanPosts(store, silent).posted(GUILD, date, plan!);

    clock.now = DUE + 20_000;
    const second = await boot(discord, clock);
    await runUntil(second, clock, DUE + 10 * MINUTE);
    expect(discord.state.sent).toHaveLength(1);
    expect(discord.state.searches).toEqual([`${CHANNEL} ${date}`]);
    expect(discord.state.sent[0]!.threadName).toBeTruthy();
    expect(await statusLine(second)).toContain('day 1 of 5, next: `former-kazakhstan:3-4`');
    await runUntil(second, clock, DUE + DAY + MINUTE);
    expect(shown(discord.state.sent[1]!.message).author).toBe('Reading plan · day 2 of 5');
    expect(shown(discord.state.sent[1]!.message).button).toBe('passage:show:former-kazakhstan:3-4');
  });

  it('GIVEN /daily now twice on a day THEN the plan moves once', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: 8 });
    expect((await bot.service.postNow(GUILD)).kind).toBe('posted');
    expect((await bot.service.postNow(GUILD)).kind).toBe('already');
    await runUntil(bot, clock, DUE);
    expect(discord.state.sent).toHaveLength(1);
    expect(await statusLine(bot)).toContain('day 1 of 2, next: `former-kazakhstan:9`');
  });

  it('GIVEN /plan skip THEN the next post reads the day after, and the closing post names what was skipped', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 3, from: null });
    const { skipped, status } = await bot.plans.skip(GUILD);
    expect(skipped).toEqual({ from: 1, to: 3 });
    expect(status.next).toEqual({ from: 4, to: 6 });
    await runUntil(bot, clock, DUE);
    expect(shown(discord.state.sent[0]!.message).author).toBe('Reading plan · day 2 of 3');
    await bot.plans.skip(GUILD);
    await expect(bot.plans.skip(GUILD)).rejects.toThrow(/Only the closing post is left/);
    await runUntil(bot, clock, DUE + DAY);
    const closing = shown(discord.state.sent[1]!.message);
    expect(closing.author).toBe('Reading plan · finished');
    expect(closing.description).toContain('`former-kazakhstan:4-6`.');
    expect(closing.description).toContain('Skipped: `former-kazakhstan:1-3`, `former-kazakhstan:7-9`.');
  });

  it('GIVEN /plan stop THEN the next post is a quote, and stop or skip again say no plan runs', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null });
    await runUntil(bot, clock, DUE);
    await bot.plans.stop(GUILD);
    await expect(bot.plans.stop(GUILD)).rejects.toThrow(UserError);
    await expect(bot.plans.skip(GUILD)).rejects.toThrow(/No reading plan is running/);
    expect(await bot.plans.status(GUILD)).toBeUndefined();
    await runUntil(bot, clock, DUE + DAY);
    expect(discord.state.sent.map((sent) => shown(sent.message).author)).toEqual(['Reading plan · day 1 of 9', 'Quote of the day']);
  });

  it('GIVEN /plan start refusals THEN one sentence each, and nothing is stored', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null })).rejects.toThrow(/none is set up here: start one with `\/daily set`/);
    await bot.service.set(GUILD, almaty);
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakstan', per_day: 1, from: null })).rejects.toThrow('There is no article `former-kazakstan`: did you mean `former-kazakhstan`?');
    await expect(bot.plans.start(GUILD, ADMIN, { article: '  ', per_day: 1, from: null })).rejects.toThrow('Name the article to read: `/articles` lists them.');
    // What only an altered client sends: Discord itself keeps these in range.
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 9, from: null })).rejects.toThrow('`per_day` must be at most 5.');
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: null, from: 0 })).rejects.toThrow('`from` must be at least 1.');
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: 12 })).rejects.toThrow('`former-kazakhstan` has paragraphs 1 to 9, so `from` cannot be 12.');
    expect(await bot.plans.status(GUILD)).toBeUndefined();
    // A title's first words name the article.
    await bot.plans.start(GUILD, ADMIN, { article: 'why putin', per_day: 2, from: null });
    await expect(bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null })).rejects.toThrow(/already running \(day 0 of 4\): `\/plan stop` ends it first/);
    // Another server has no plan.
    expect(await bot.plans.status(OTHER_GUILD)).toBeUndefined();
  });

  it('GIVEN a plan THEN /daily preview shows its next post as it will be posted', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const bot = await boot(discord, clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 2, from: 5 });
    const preview = shown(previewView(await bot.service.preview(GUILD)));
    await runUntil(bot, clock, DUE);
    const post = shown(discord.state.sent[0]!.message);
    expect(preview.author).toBe('Reading plan · day 1 of 3');
    expect(preview).toEqual(post);
  });

  it('GIVEN an unreadable plan record THEN it is set aside and the daily quotes go on', async () => {
    const clock = { now: SET_AT };
    const discord = fakeDiscord(clock);
    const on = temp.open();
    const bot = await boot(discord, clock, on);
    await bot.service.set(GUILD, almaty);
    await on.namespace('plans').set(GUILD, { articleId: 'former-kazakhstan', perDay: 9 });
    await runUntil(bot, clock, DUE);
    expect(shown(discord.state.sent[0]!.message).author).toBe('Quote of the day');
    expect(await bot.plans.status(GUILD)).toBeUndefined();
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null });
    expect(await statusLine(bot)).toContain('day 0 of 9');
  });

  it("GIVEN the plan's article removed from the library THEN the daily post goes back to quotes and /plan status says why", async () => {
    const clock = { now: SET_AT };
    const on = temp.open();
    const bot = await boot(fakeDiscord(clock), clock, on);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null });
    const shipped = await shippedCorpus();
    const without = { ...shipped, corpus: { ...shipped.corpus, byId: new Map([...shipped.corpus.byId].filter(([id]) => id !== 'former-kazakhstan')) } };
    expect(await createPlanPosts(on, silent).next(GUILD, without, { style: 'mixed', recent: [] }, '2025-01-13')).toBeUndefined();
    const plans = createPlanService({ store: on, library: { forGuild: async () => without }, daily: bot.service, logger: silent });
    expect(statusView(await plans.status(GUILD)).content).toContain("The article `former-kazakhstan` is no longer in this server's library, so the daily post shows quotes: `/plan stop` ends the plan.");
  });

  it('GIVEN the bot removed from the server THEN its plan is forgotten', async () => {
    const clock = { now: SET_AT };
    const bot = await boot(fakeDiscord(clock), clock);
    await bot.service.set(GUILD, almaty);
    await bot.plans.start(GUILD, ADMIN, { article: 'former-kazakhstan', per_day: 1, from: null });
    await bot.plans.forgetGuild(GUILD);
    expect(await bot.plans.status(GUILD)).toBeUndefined();
  });
});
