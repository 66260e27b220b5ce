import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import type { MessageRecord } from '@marginalia/loopback';
import { componentsOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands this time, so a second server sees them too.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const world = () => session.lb.world;
const slash = (input: Parameters<Session['lb']['driver']['slash']>[0]) => session.lb.driver.slash(input);
const daily = async (user: string, subcommand: string, options: Record<string, string | boolean> = {}, channel?: string) =>
  (await slash({ user, name: 'daily', subcommand, options, ...(channel ? { channel } : {}) })).reply();

/** The next whole minute in UTC as HH:MM, at least 5 s away so the set lands before it. */
function nextMinute(): string {
  const at = new Date(Date.now() + 65_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

describe('/daily set', () => {
  it('GIVEN a plain member THEN set, now and off are refused naming Manage Server, while status works', async () => {
    expect((await daily('member', 'set', { channel: world().channels.study!.id, time: '09:00' })).content).toContain('**Manage Server**');
    expect((await daily('member', 'now')).content).toContain('**Manage Server**');
    expect((await daily('member', 'status')).content).toContain('No daily post is set up');
  });

  it('GIVEN a channel where the bot cannot send THEN it is refused naming the permission', async () => {
    const reply = await daily('admin', 'set', { channel: world().channels.locked!.id, time: '09:00' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Send Messages/);
  });

  it.each([
    [{ time: '25:00' }, /25:00/],
    [{ time: '9am' }, /9am/],
    [{ time: '09:00', timezone: 'Mars/Base' }, /Mars\/Base/],
    [{ time: '09:00', days: 'someday' }, /someday/],
  ])('GIVEN %o THEN one clear sentence', async (options, expected) => {
    const reply = await daily('admin', 'set', { channel: world().channels.study!.id, ...options });
    expect(reply.content).toMatch(expected);
    expect(reply.content!.split('\n')).toHaveLength(1);
  });

  it('GIVEN a timezone being typed THEN autocomplete offers IANA names', async () => {
    const choices = await session.lb.driver.autocomplete({ user: 'admin', name: 'daily', subcommand: 'set', options: { timezone: 'alma' }, focused: 'timezone' });
    expect(choices.map((c) => c.value)).toContain('Asia/Almaty');
  });
});

describe('the daily post', () => {
  let post: MessageRecord;
  const readers = () => world().role(world().defaultGuild.id, 'Readers')!.id;

  it('GIVEN a schedule for the next minute THEN the reply gives the next post time, and the post appears then with quote, prompt, button, role ping and thread', async () => {
    const set = await daily('admin', 'set', { channel: world().channels.study!.id, time: nextMinute(), timezone: 'UTC', days: 'every day', thread: true, role: readers() });
    expect(set.content).toMatch(/^The daily post is set\. \*\*Next post:\*\* .*, \d\d:\d\d \(UTC\), that is <t:\d+:f> your time \(<t:\d+:R>\)\.$/);

    await expect
      .poll(() => world().messages(world().channels.study!.id).find((m) => m.authorId === world().bot.id && m.embeds.length > 0), { timeout: 75_000, interval: 500 })
      .toBeDefined();
    post = world().messages(world().channels.study!.id).find((m) => m.authorId === world().bot.id && m.embeds.length > 0)!;
    const text = textOf(post);
    expect(text).toMatch(/(former-kazakhstan|why-putin-interferes):\d+/);
    expect(text).toMatch(/\?/);
    expect(post.pings).toEqual({ everyone: false, roles: [readers()], users: [] });
    const button = componentsOf(post)[0]!;
    expect(button.custom_id).toMatch(/^passage:show:[a-z-]+:\d+$/);
    expect(world().threads(world().channels.study!.id).map((thread) => thread.name)).toHaveLength(1);
    expect(world().threads(world().channels.study!.id)[0]!.name).toMatch(/\S/);

    const opened = await (await session.lb.driver.click({ user: 'member', message: post, customId: button.custom_id! })).reply();
    expect(opened.ephemeral).toBe(true);
    expect(textOf(opened)).toContain(button.custom_id!.slice('passage:show:'.length));
  }, 90_000);

  it('GIVEN the post was made THEN status links it, now refuses a second post today, and preview shows the next one privately', async () => {
    const status = textOf(await daily('member', 'status'));
    expect(status).toContain(`/channels/${world().defaultGuild.id}/${world().channels.study!.id}/${post.id}`);
    expect((await daily('admin', 'now')).content).toMatch(/already/i);
    const preview = await daily('member', 'preview');
    expect(preview.ephemeral).toBe(true);
    expect(preview.content).toContain('Preview of the next daily post');
    expect(preview.pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('GIVEN /quote THEN a quote and prompt in the same format, privately', async () => {
    const reply = await (await slash({ user: 'member', name: 'quote', options: { article: 'why-putin-interferes' } })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(textOf(reply)).toMatch(/why-putin-interferes:\d+/);
  });

  it('GIVEN /daily off THEN status shows the setup kept, marked off', async () => {
    expect((await daily('admin', 'off')).content).toMatch(/^The daily post is off; its setup is kept\./);
    const status = textOf(await daily('member', 'status'));
    expect(status).toMatch(/^Daily post \(off\)/);
    expect(status).toContain(`<#${world().channels.study!.id}>`);
  });
});

describe('a second server whose channel is deleted', () => {
  it('GIVEN /daily now in a server that just added the bot THEN it posts; GIVEN its channel deleted THEN the schedule pauses with the reason', async () => {
    const guild = world().addGuild('Second group');
    const channel = world().addChannel(guild.id, 'reading');
    const admin = world().addMember(guild.id, { name: 'second-admin', permissions: PermissionFlagsBits.Administrator });
    // Another admin for the second /daily now: each member waits out a cooldown after a post.
    const secondAdmin = world().addMember(guild.id, { name: 'second-admin-2', permissions: PermissionFlagsBits.Administrator });
    await expect.poll(() => session.lb.requests.length).toBeGreaterThan(0);
    const set = await daily(admin.id, 'set', { channel: channel.id, time: '06:00', timezone: 'Asia/Kolkata', days: 'weekdays', thread: false }, channel.id);
    expect(set.content).toContain('The daily post is set');
    const now = await daily(admin.id, 'now', {}, channel.id);
    expect(now.content).toContain("Today's post");

    world().deleteChannel(channel.id);
    const other = world().addChannel(guild.id, 'lobby');
    // The bot hears of the deletion on the gateway and pauses before any post fails.
    await expect.poll(async () => textOf(await daily(admin.id, 'status', {}, other.id)), { timeout: 5000 }).toMatch(/Daily post \(paused\)[\s\S]*was deleted/);
    expect((await daily(secondAdmin.id, 'now', {}, other.id)).content).toContain('The daily post is paused');
  });
});

describe('the whole run', () => {
  it('GIVEN everything above THEN no limit was broken and nothing pinged but the chosen role', () => {
    expectCleanRun(session, [world().role(world().defaultGuild.id, 'Readers')!.id]);
  });
});
