import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionRun, MessageRecord } from '@marginalia/loopback';
import { hasBinary, serversRequired } from '../helpers/servers.js';
import { startSlowRedis, type SlowRedis } from '../helpers/slow-proxy.js';
import { customIdOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

// Lookups under faults (SPEC section 12): answered before the store, refusals in one sentence,
// cooldowns on what posts to the channel, and no token in the logs whatever fails.

type SlashInput = Parameters<Session['lb']['driver']['slash']>[0];

const UNKNOWN_COMPONENT = 'This button is from an older version of Marginalia or does not belong to it: run the command again.';

describe('on a store that takes 1.5 s a round trip', () => {
  const STORE_DELAY_MS = 1_500;
  const enabled = hasBinary('redis-server') || serversRequired;
  let store: SlowRedis;
  let session: Session;
  const slash = (input: SlashInput) => session.lb.driver.slash(input);

  beforeAll(async () => {
    if (!enabled) return;
    store = await startSlowRedis(STORE_DELAY_MS);
    session = await startSession({ bot: { storeUrl: store.url } });
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await store?.stop();
  });

  it.runIf(enabled)('GIVEN a server’s first search THEN it is acknowledged after the one settings read, and the results follow', async () => {
    const run = await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Putin Kazakhstan' } });
    const ms = await run.firstResponseMs(10_000);
    expect(ms).toBeLessThan(3_000);
    const reply = await run.reply(10_000);
    expect(reply.ephemeral).toBe(true);
    expect(textOf(reply)).toMatch(/Page 1 of/);
  }, 20_000);

  it.runIf(enabled)('GIVEN the settings read once THEN every lookup and passage button answers before any store round trip', async () => {
    const runs: Array<[string, InteractionRun]> = [
      ['/passage search', await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Putin Kazakhstan' } })],
      ['/passage show', await slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:2' } })],
      ['/articles', await slash({ user: 'member', name: 'articles' })],
      ['/quote', await slash({ user: 'member', name: 'quote' })],
      ['Find in articles', await session.lb.driver.messageContextMenu({ user: 'member', name: 'Find in articles', target: { content: 'What did the CSTO troops do?' } })],
    ];
    const search = await runs[0]![1].reply(10_000);
    const shown = await runs[1]![1].reply(10_000);
    runs.push(['Next page', await session.lb.driver.click({ user: 'member', message: search, customId: customIdOf(search, /^passage:page:.*:next$/) })]);
    runs.push(['Next paragraph', await session.lb.driver.click({ user: 'member', message: shown, customId: customIdOf(shown, /:next$/) })]);
    for (const [name, run] of runs) expect(await run.firstResponseMs(10_000), name).toBeLessThan(STORE_DELAY_MS);
    for (const [, run] of runs) await run.reply(10_000);
    expect(textOf(session.lb.world.message(search.id)!)).toMatch(/Page 2 of/);
  }, 30_000);

  it.runIf(enabled)('GIVEN all of it THEN no first response was late and nothing broke Discord’s limits', () => {
    expectCleanRun(session);
  });
});

describe('refusals, cooldowns and logs', () => {
  let session: Session;
  const slash = (input: SlashInput) => session.lb.driver.slash(input);
  const channelPosts = () =>
    session.lb.world.messages(session.lb.world.channels.study!.id).filter((message) => message.authorId === session.lb.world.bot.id && !message.ephemeral);

  beforeAll(async () => {
    session = await startSession();
    session.lb.world.addMember(session.lb.world.defaultGuild.id, { name: 'poster' });
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it.each(['daily:now', 'settings:show', 'help:x', ':', 'nothing-here', 'passage', 'passage:zzz:1', 'passage:pages:gone:2:next'])(
    'GIVEN a button with the id %j THEN a private sentence says it is not one of ours',
    async (customId) => {
      const help: MessageRecord = await (await slash({ user: 'member', name: 'help' })).reply();
      const reply = await (await session.lb.driver.click({ user: 'member', message: help, customId, unchecked: true })).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toBe(UNKNOWN_COMPONENT);
    },
  );

  it('GIVEN a page button of a search that no longer exists THEN a private sentence, and the results stay as they were', async () => {
    const search = await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Putin Kazakhstan' } })).reply();
    const before = textOf(search);
    const run = await session.lb.driver.click({ user: 'member', message: search, customId: 'passage:page:gone:2:next', unchecked: true });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('This search has expired');
    expect(textOf(session.lb.world.message(search.id)!)).toBe(before);
  });

  it.each([
    [{ results_per_page: 999 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ results_per_page: 0 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ cooldown_seconds: 5000 }, '`cooldown_seconds` must be a whole number from 0 to 3600.'],
    [{ cooldown_seconds: -1 }, '`cooldown_seconds` must be a whole number from 0 to 3600.'],
  ])('GIVEN /settings set %j from an altered client THEN one sentence names the option and its range', async (options, sentence) => {
    const reply = await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options, unchecked: true })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(sentence);
  });

  it('GIVEN a member who just posted publicly THEN the next public lookup is refused privately with when, nothing is posted, and private lookups still work', async () => {
    const first = await (await slash({ user: 'poster', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:2', public: true } })).reply();
    expect(first.ephemeral).toBe(false);
    const posts = channelPosts().length;

    const attempts: SlashInput[] = [
      { user: 'poster', name: 'quote', options: { public: true } },
      { user: 'poster', name: 'passage', subcommand: 'search', options: { query: 'CSTO', public: true } },
    ];
    for (const input of attempts) {
      const refused = await (await slash(input)).reply();
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toMatch(/^You posted to the channel a moment ago; you can post again <t:\d+:R>\.$/);
      const until = Number(/<t:(\d+):R>/.exec(refused.content!)![1]) * 1000;
      expect(until).toBeGreaterThan(Date.now());
      expect(until).toBeLessThanOrEqual(Date.now() + 10_000 + 1_000);
    }
    expect(channelPosts()).toHaveLength(posts);
    expect((await (await slash({ user: 'poster', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:3' } })).reply()).ephemeral).toBe(true);
    // Another member is not held back.
    expect((await (await slash({ user: 'member', name: 'quote', options: { public: true } })).reply()).ephemeral).toBe(false);
  });

  it('GIVEN public_replies on THEN a lookup without public:… posts, so it waits too; GIVEN cooldown_seconds 0 THEN none', async () => {
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { public_replies: true } })).reply();
    expect((await (await slash({ user: 'poster', name: 'articles' })).reply()).content).toMatch(/you can post again <t:\d+:R>/);
    const set = await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { cooldown_seconds: 0 } })).reply();
    expect(set.content).toBe('`cooldown_seconds`: 10 → **0**');
    expect((await (await slash({ user: 'poster', name: 'articles' })).reply()).ephemeral).toBe(false);
    expect((await (await slash({ user: 'poster', name: 'articles' })).reply()).ephemeral).toBe(false);
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'reset' })).reply();
  });

  it('GIVEN the interaction callback and the webhook failing with 500 through every retry THEN the failures are logged without any token', async () => {
    const { lb, bot } = session;
    lb.faults.inject({ method: 'POST', route: '/interactions/:id/:token/callback', status: 500, times: 4 });
    const help = await slash({ user: 'member', name: 'help' });
    expect((await help.reply(15_000)).content).toMatch(/error id `[0-9a-f]{8}`/);

    // discord.js sends `@original` percent-encoded.
    lb.faults.inject({ method: 'PATCH', route: /^\/webhooks\/\d+\/[^/]+\/messages\/(@|%40)original$/, status: 500, times: 4 });
    const search = await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Putin Kazakhstan' } });
    expect((await search.reply(15_000)).content).toMatch(/error id `[0-9a-f]{8}`/);

    await expect.poll(() => bot.logs.filter((line) => line.msg === 'interaction failed').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const logged = bot.logs.map((line) => JSON.stringify(line)).join('\n');
    // The failures name their routes, so the test would see a token if one were there.
    expect(logged).toContain('/callback');
    expect(logged).toMatch(/\/messages\/(@|%40)original/);
    for (const record of lb.world.interactionsById.values()) expect(logged).not.toContain(record.token);
    expect(logged).not.toContain(lb.token);
    expect(logged).not.toContain(lb.token.split('.').at(-1));
    expect(logged).not.toMatch(/Bot [\w-]{20,}\./);
  }, 40_000);

  it('GIVEN everything above THEN no limit was broken and nobody was pinged', () => {
    expectCleanRun(session);
  });
});
