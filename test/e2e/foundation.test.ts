import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customIdOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
  // A second member for public replies: each member waits out a cooldown between posts to the channel.
  session.lb.world.addMember(session.lb.world.defaultGuild.id, { name: 'reader' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const slash = (input: Parameters<Session['lb']['driver']['slash']>[0]) => session.lb.driver.slash(input);

describe('deploy-commands on the loopback Discord', () => {
  it('GIVEN DEV_GUILD_ID THEN the commands are registered in that guild, guild-only, with their options', () => {
    const commands = session.lb.commands(session.lb.world.defaultGuild.id);
    expect(commands.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['Find in articles', 'articles', 'help', 'passage', 'settings']));
    expect(session.lb.commands()).toEqual([]);
    for (const command of commands) expect(command.extra.contexts, command.name).toEqual([0]);
    const passage = commands.find((c) => c.name === 'passage')!;
    expect((passage.options as Array<{ name: string; options: Array<{ name: string; autocomplete?: boolean }> }>).map((o) => [o.name, o.options.map((x) => x.name)])).toEqual([
      ['search', ['query', 'article', 'public']],
      ['show', ['ref', 'public']],
    ]);
    // `/settings show` is for everyone: the bot itself refuses `set` and `reset` (SPEC section 4).
    expect(commands.find((c) => c.name === 'settings')!.defaultMemberPermissions).toBeNull();
  });
});

describe('/passage search', () => {
  it('GIVEN CSTO THEN a private reply ranks both articles with bold matches and a select menu that opens one', async () => {
    const run = await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'CSTO' } });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expect(textOf(reply)).toContain('former-kazakhstan:9');
    expect(textOf(reply)).toContain('why-putin-interferes:5');
    expect(textOf(reply)).toContain('**CSTO**');

    const pick = await session.lb.driver.select({ user: 'member', message: reply, customId: customIdOf(reply, /^passage:pick:/), values: ['why-putin-interferes:5'] });
    const opened = await pick.reply();
    expect(opened.ephemeral).toBe(true);
    expect(textOf(opened)).toContain('Collective Security Treaty Organization (CSTO)');
  });

  it('GIVEN more matches than a page THEN Next page and Previous page move through them in place', async () => {
    await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { results_per_page: 2 } }).then((r) => r.reply());
    const reply = await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Putin Kazakhstan' } })).reply();
    expect(textOf(reply)).toMatch(/Page 1 of [2-9]/);
    const next = await (await session.lb.driver.click({ user: 'member', message: reply, customId: customIdOf(reply, /:next$/) })).reply();
    expect(next.id).toBe(reply.id);
    expect(textOf(next)).toMatch(/Page 2 of/);
    const back = await (await session.lb.driver.click({ user: 'member', message: next, customId: customIdOf(next, /:prev$/) })).reply();
    expect(textOf(back)).toMatch(/Page 1 of/);
    await slash({ user: 'admin', name: 'settings', subcommand: 'reset' }).then((r) => r.reply());
  });

  it('GIVEN a typo and a word form THEN they match; GIVEN nonsense THEN a clear no-match reply', async () => {
    expect(textOf(await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Nazarbaev' } })).reply())).toContain('**Nazarbayev**');
    expect(textOf(await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'protesters' } })).reply())).toMatch(/\*\*protest/);
    expect(textOf(await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'xyzzyq' } })).reply())).toContain('No passage matches');
  });

  it('GIVEN typing in autocomplete THEN matching passages are offered and choosing one opens it', async () => {
    const choices = await session.lb.driver.autocomplete({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Baikonur' }, focused: 'query' });
    expect(choices[0]).toMatchObject({ value: 'why-putin-interferes:4' });
    const reply = await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: String(choices[0]!.value) } })).reply();
    expect(textOf(reply)).toContain('Baikonur');
    expect(textOf(reply)).toContain('why-putin-interferes:4');
  });

  it('GIVEN public:true THEN the channel sees the reply', async () => {
    const reply = await (await slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'CSTO', public: true } })).reply();
    expect(reply.ephemeral).toBe(false);
  });
});

describe('/passage show', () => {
  it('GIVEN a reference THEN title, text, source and reference, with previous / next moving in place', async () => {
    const reply = await (await slash({ user: 'reader', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:2', public: true } })).reply();
    expect(textOf(reply)).toContain('The former Kazakhstan ceased to exist yesterday');
    expect(textOf(reply)).toContain('former-kazakhstan:2 · interview · source: www.mk.ru');
    const next = await (await session.lb.driver.click({ user: 'reader', message: reply, customId: customIdOf(reply, /:next$/) })).reply();
    expect(next.id).toBe(reply.id);
    expect(textOf(next)).toContain('former-kazakhstan:3');
    // Someone else's click gets a private copy instead of moving the shared message.
    const other = await (await session.lb.driver.click({ user: 'admin', message: next, customId: customIdOf(next, /:prev$/) })).reply();
    expect(other.ephemeral).toBe(true);
    expect(textOf(other)).toContain('former-kazakhstan:2');
    expect(textOf(session.lb.world.message(reply.id)!)).toContain('former-kazakhstan:3');
  });

  it('GIVEN a range longer than one message THEN it fits Discord’s limits and offers the rest', async () => {
    const reply = await (await slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref: 'why-putin-interferes:1-7' } })).reply();
    expect(textOf(reply)).toContain('This range is longer than one message');
  });

  it.each([
    ['former-kazakhstan:99', 'paragraphs 1 to 9'],
    ['nonsense', '`<article>:<paragraph>`'],
  ])('GIVEN the bad reference %s THEN a private sentence names valid references', async (ref, expected) => {
    const reply = await (await slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref } })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain(expected);
  });

  it('GIVEN an article prefix in autocomplete THEN its paragraphs are offered', async () => {
    const choices = await session.lb.driver.autocomplete({ user: 'member', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:' }, focused: 'ref' });
    expect(choices.map((c) => c.value)).toHaveLength(9);
  });
});

describe('/articles, /help and Find in articles', () => {
  it('GIVEN /articles THEN both articles with kind, source, paragraphs and reading time', async () => {
    const text = textOf(await (await slash({ user: 'member', name: 'articles' })).reply());
    expect(text).toContain('9 paragraphs · about 2 min read');
    expect(text).toContain('7 paragraphs · about 7 min read');
  });

  it('GIVEN /help THEN every command is explained with an example', async () => {
    const text = textOf(await (await slash({ user: 'member', name: 'help' })).reply());
    for (const command of ['/passage search', '/articles', '/settings', 'Find in articles']) expect(text).toContain(command);
  });

  it('GIVEN a message in the channel THEN Find in articles searches for its text', async () => {
    const run = await session.lb.driver.messageContextMenu({ user: 'member', name: 'Find in articles', target: { content: 'What did the CSTO troops do?' } });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expect(textOf(reply)).toContain('former-kazakhstan:9');
  });
});

describe('/settings', () => {
  it('GIVEN an admin THEN show, set and reset work and public_replies makes lookups public', async () => {
    const shown = textOf(await (await slash({ user: 'admin', name: 'settings', subcommand: 'show' })).reply());
    expect(shown).toContain('public_replies: false (default)');
    expect(shown).toContain('cooldown_seconds: 10 (default)');
    const set = await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { public_replies: true, prompt_style: 'critical' } })).reply();
    expect(set.content).toContain('`public_replies`: false → **true**');
    expect((await (await slash({ user: 'admin', name: 'articles' })).reply()).ephemeral).toBe(false);
    expect((await (await slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:1', public: false } })).reply()).ephemeral).toBe(true);
    expect(textOf(await (await slash({ user: 'admin', name: 'settings', subcommand: 'reset' })).reply())).toContain('public_replies: false (default)');
  });

  it('GIVEN set without options THEN one clear sentence', async () => {
    expect((await (await slash({ user: 'admin', name: 'settings', subcommand: 'set' })).reply()).content).toContain('Choose at least one setting');
  });

  it('GIVEN a plain member THEN /settings show works, and set and reset are refused privately without changing anything', async () => {
    const adminShow = async () => textOf(await (await slash({ user: 'admin', name: 'settings', subcommand: 'show' })).reply());
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { results_per_page: 3 } })).reply();
    const before = await adminShow();
    expect(before).toContain('results_per_page: 3');
    const show = await (await slash({ user: 'member', name: 'settings', subcommand: 'show' })).reply();
    expect(show.ephemeral).toBe(true);
    expect(textOf(show)).toBe(before);
    const set = await (await slash({ user: 'member', name: 'settings', subcommand: 'set', options: { results_per_page: 9 } })).reply();
    expect(set.ephemeral).toBe(true);
    expect(set.content).toContain('You need the **Manage Server** permission to use `/settings set`');
    const reset = await (await slash({ user: 'member', name: 'settings', subcommand: 'reset' })).reply();
    expect(reset.ephemeral).toBe(true);
    expect(reset.content).toContain('**Manage Server**');
    expect(await adminShow()).toBe(before);
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'reset' })).reply();
  });

  it('GIVEN a setting changed before a restart THEN it is there after a new start on the same store', async () => {
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { results_per_page: 7 } })).reply();
    await session.restart();
    expect(textOf(await (await slash({ user: 'admin', name: 'settings', subcommand: 'show' })).reply())).toContain('results_per_page: 7');
  }, 60_000);
});

describe('faults', () => {
  it('GIVEN a 429 on the interaction callback THEN discord.js waits it out and the reply still arrives', async () => {
    session.lb.faults.inject({ method: 'POST', route: '/interactions/:id/:token/callback', status: 429, retryAfter: 0.3 });
    const reply = await (await slash({ user: 'member', name: 'articles' })).reply();
    expect(textOf(reply)).toContain('Articles');
    expect(session.lb.requests.some((r) => r.status === 429)).toBe(true);
  });

  it('GIVEN a dropped gateway connection THEN the bot resumes and answers again', async () => {
    const resumes = session.lb.faults.resumes.length;
    session.lb.faults.dropGateway();
    await expect.poll(() => session.lb.faults.resumes.length, { timeout: 10_000 }).toBeGreaterThan(resumes);
    expect(textOf(await (await slash({ user: 'member', name: 'help' })).reply())).toContain('/passage search');
  }, 20_000);

  it('GIVEN the reply failing with 500 through every retry THEN the member gets a short message with an error id that is in the log', async () => {
    session.lb.faults.inject({ method: 'POST', route: '/interactions/:id/:token/callback', status: 500, times: 4 });
    const reply = await (await slash({ user: 'member', name: 'help' })).reply(10_000);
    const id = /error id `([0-9a-f]{8})`/.exec(reply.content ?? '')?.[1];
    expect(reply.ephemeral).toBe(true);
    expect(id).toBeDefined();
    await expect.poll(() => session.bot.logs.some((line) => line.errorId === id && line.msg === 'interaction failed')).toBe(true);
    expect(session.bot.child.exitCode).toBeNull();
    expect(textOf(await (await slash({ user: 'member', name: 'help' })).reply())).toContain('/passage search');
  }, 20_000);
});

describe('removal', () => {
  it('GIVEN the bot removed from the server THEN that server\'s settings are deleted from the store', async () => {
    const guildId = session.lb.world.defaultGuild.id;
    await (await slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { prompt_style: 'critical' } })).reply();
    const { openStore } = await import('../../src/lib/store.js');
    const store = openStore(session.storeUrl);
    try {
      expect(await store.namespace('settings').get(guildId)).toMatchObject({ prompt_style: 'critical' });
      session.lb.world.removeBot(guildId);
      await expect.poll(() => session.bot.logs.some((line) => line.msg === 'removed from a server; its data was deleted')).toBe(true);
      expect(await store.namespace('settings').get(guildId)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('the whole run', () => {
  it('GIVEN everything above THEN no limit was broken, no unknown route was called, and nobody was pinged', () => {
    expectCleanRun(session);
  });
});
