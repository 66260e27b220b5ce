// A reading plan end to end (SPEC section 10): /plan start, the daily post walking the article,
// a restart of the bot in the middle, /plan skip, the closing post, and the quotes back after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, SlashInput } from '@marginalia/loopback';
import { componentsOf, expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that the servers made below have them.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const MINUTE = 60_000;
const world = () => session.lb.world;
const run = async (server: TestServer, user: string, name: string, subcommand: string, options: SlashInput['options'] = {}) =>
  (await session.lb.driver.slash({ user, channel: server.channelId, name, subcommand, options })).reply();
const plan = (server: TestServer, subcommand: string, options: SlashInput['options'] = {}, user = server.admin) => run(server, user, 'plan', subcommand, options);
const daily = (server: TestServer, subcommand: string, options: SlashInput['options'] = {}) => run(server, server.admin, 'daily', subcommand, options);

/** The author line of a message's embed: `Reading plan · day 1 of 2`, `Quote of the day`. */
const authorOf = (message: MessageRecord) => ((message.embeds?.[0] as { author?: { name: string } } | undefined)?.author?.name ?? '');
/** The bot's daily posts in a channel, oldest first. */
const posts = (channelId: string) => world().messages(channelId).filter((m) => m.authorId === world().bot.id && m.embeds.length > 0);
/** A time of day far from now, so that no scheduled post comes during the test: every post here is /daily now. */
const farOff = () => new Date(Date.now() + 12 * 60 * MINUTE).toISOString().slice(11, 16);

describe('/plan', () => {
  let server: TestServer;

  it('GIVEN a plain member THEN start, skip and stop are refused naming Manage Server, and status says no plan runs', async () => {
    server = await newServer(session, 'Plan group');
    for (const subcommand of ['skip', 'stop']) expect((await plan(server, subcommand, {}, server.member)).content).toContain('You need the **Manage Server** permission to use `/plan');
    expect((await plan(server, 'start', { article: 'former-kazakhstan' }, server.member)).content).toContain('**Manage Server**');
    expect((await plan(server, 'status', {}, server.member)).content).toBe('No reading plan is running on this server. An admin can start one with `/plan start`.');
  });

  it('GIVEN no daily post THEN /plan start says so in one sentence; autocomplete offers the articles', async () => {
    const reply = await plan(server, 'start', { article: 'former-kazakhstan' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('A reading plan walks through the daily post, and none is set up here: start one with `/daily set`, then `/plan start`.');
    const choices = await session.lb.driver.autocomplete({ user: server.admin, channel: server.channelId, name: 'plan', subcommand: 'start', options: { article: 'former' }, focused: 'article' });
    expect(choices.map((choice) => choice.value)).toEqual(['former-kazakhstan']);
  });

  it('GIVEN a plan THEN the daily post reads it day by day across a restart, /plan skip moves on, the closing post names what was read, and the quotes come back', async () => {
    // Two local dates for two posts made now: the schedule's timezone at UTC-12, then at UTC+14.
    expect((await daily(server, 'set', { channel: server.channelId, time: farOff(), timezone: 'UTC-12', thread: true })).content).toContain('The daily post is set');
    const started = await plan(server, 'start', { article: 'former-kazakhstan', per_day: 3, from: 4 });
    expect(started.content).toMatch(/^Reading plan started: \*\*.+\*\* from `former-kazakhstan:4`, 3 paragraphs a day, 2 days and then a closing post\./);
    expect((await plan(server, 'status', {}, server.member)).content).toMatch(/day 0 of 2, next: `former-kazakhstan:4-6`\./);
    expect(authorOf(await daily(server, 'preview'))).toBe('Reading plan · day 1 of 2');

    expect((await daily(server, 'now')).content).toContain("Today's post");
    const first = posts(server.channelId)[0]!;
    expect(authorOf(first)).toBe('Reading plan · day 1 of 2');
    expect(textOf(first)).toMatch(/\*\*¶4\*\*[\s\S]*\*\*¶5\*\*[\s\S]*\*\*¶6\*\*/);
    expect(textOf(first)).not.toContain('**¶7**');
    expect(textOf(first)).toMatch(/Discuss\n[^\n]+\?/);
    expect(world().threads(server.channelId)).toHaveLength(1);
    const button = componentsOf(first)[0]!;
    expect(button.custom_id).toBe('passage:show:former-kazakhstan:4-6');
    const opened = await (await session.lb.driver.click({ user: server.member, message: first, customId: button.custom_id! })).reply();
    expect(opened.ephemeral).toBe(true);
    expect(textOf(opened)).toContain('former-kazakhstan:4-6');

    await session.restart();
    expect((await plan(server, 'status', {}, server.member)).content).toMatch(/^Reading plan: .+: day 1 of 2, next: `former-kazakhstan:7-9`\. The next post is <t:\d+:F> \(<t:\d+:R>\)\.$/);
    expect((await plan(server, 'skip')).content).toBe('Skipped day 2 (`former-kazakhstan:7-9`): the next post is the closing post.');

    expect((await daily(server, 'set', { timezone: 'UTC+14' })).content).toContain('The daily post is set');
    expect((await daily(server, 'now')).content).toContain("Today's post");
    const closing = posts(server.channelId)[1]!;
    expect(authorOf(closing)).toBe('Reading plan · finished');
    expect(textOf(closing)).toContain('over 2 days we read');
    expect(textOf(closing)).toContain('`former-kazakhstan:4-6`.\nSkipped: `former-kazakhstan:7-9`.');
    expect(world().threads(server.channelId)).toHaveLength(2);
    expect((await plan(server, 'status', {}, server.member)).content).toMatch(/^The reading plan of .+ finished on \d{4}-\d\d-\d\d; the daily quotes are back\./);
    expect(authorOf(await daily(server, 'preview'))).toBe('Quote of the day');
  }, 60_000);

  it('GIVEN another server THEN it sees no plan of the first', async () => {
    const other = await newServer(session, 'Other plan group');
    expect((await plan(other, 'status', {}, other.member)).content).toContain('No reading plan is running');
  });

  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
