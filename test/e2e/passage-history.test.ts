// A passage's history end to end (SPEC section 11): a daily post and a /poll passage on the same
// passage appear in /passage show's history line and in its History list, whose links point to the
// real message and thread; once a moderator deletes them, the list says so instead of linking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, SlashInput } from '@marginalia/loopback';
import { componentsOf, customIdOf, expectCleanRun, newServer, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that the second server made below has them.
  session = await startSession({ deploy: 'global' });
  // Several posts one after another here; the posting cooldown has tests of its own.
  const set = await run('admin', 'settings', 'set', { cooldown_seconds: 0 });
  expect(set.content).toMatch(/cooldown/i);
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const world = () => session.lb.world;
const guildId = () => world().defaultGuild.id;
async function run(user: string, name: string, subcommand: string, options: SlashInput['options'] = {}): Promise<MessageRecord> {
  return (await session.lb.driver.slash({ user, name, subcommand, options })).reply();
}
const click = async (user: string, message: MessageRecord, customId: string) => (await session.lb.driver.click({ user, message, customId })).reply();
/** A time of day far from now, so that no scheduled post comes during the test: the post here is /daily now. */
const farOff = () => new Date(Date.now() + 12 * 3_600_000).toISOString().slice(11, 16);
const today = () => new Date().toISOString().slice(0, 10);
/** The `[name](url)` links of a message's text. */
const links = (message: MessageRecord) => [...textOf(message).matchAll(/\[(message|thread)\]\((https:\/\/discord\.com\/channels\/[\d/]+)\)/g)].map(([, name, url]) => ({ name, url: url! }));

describe('a passage with a daily post and a poll', () => {
  let ref: string;
  let post: MessageRecord;
  let pollMessage: MessageRecord;
  let threadId: string;

  it('GIVEN no history THEN /passage show has no history line and no History button', async () => {
    const shown = await run('member', 'passage', 'show', { ref: 'former-kazakhstan:3' });
    expect(textOf(shown)).not.toContain('History');
    expect(componentsOf(shown).map((c) => c.label)).not.toContain('History');
  });

  it('GIVEN /daily now, a /poll passage on its passage and replies in its thread THEN the line and the History list tell them, linking the real message and thread', async () => {
    const study = world().channels.study!.id;
    expect((await run('admin', 'daily', 'set', { channel: study, time: farOff(), thread: true })).content).toContain('The daily post is set');
    expect((await run('admin', 'daily', 'now')).content).toContain("Today's post");
    post = world().messages(study).find((m) => m.authorId === world().bot.id && m.embeds.length > 0 && componentsOf(m).some((c) => c.custom_id?.startsWith('passage:show:')))!;
    ref = customIdOf(post, /^passage:show:/).slice('passage:show:'.length);
    threadId = world().threads(study)[0]!.id;
    expect(threadId).toBe(post.id);
    world().postMessage(threadId, 'member', 'I read it differently.');
    world().postMessage(threadId, 'admin', 'Say more?');

    pollMessage = await run('admin', 'poll', 'passage', { ref, duration: '15m' });
    const agree = componentsOf(pollMessage).find((c) => c.label === 'Agree')!.custom_id!;
    expect((await click('member', pollMessage, agree)).content).toContain('Recorded');
    expect((await run('admin', 'poll', 'close')).content).toContain('Closed poll');
    expect(textOf(await run('member', 'note', 'add', { ref, text: 'Compare with the 1995 constitution.' }))).toContain('Note added');

    await expect
      .poll(async () => textOf(await run('member', 'passage', 'show', { ref })), { timeout: 10_000 })
      .toContain(`Discussed once, last on ${today()} · poll: 1 agree · 1 note`);
    const shown = await run('member', 'passage', 'show', { ref });
    expect(shown.ephemeral).toBe(true);

    const history = await click('member', shown, customIdOf(shown, /^passage:hist:/));
    expect(history.ephemeral).toBe(true);
    expect(history.id).not.toBe(shown.id);
    const text = textOf(history);
    expect(text).toContain(`History of ${ref}`);
    // Newest first: the note, the poll, the daily post.
    expect(text).toMatch(new RegExp(`note \`#[0-9a-z]{6}\` by <@${world().users.member!.id}>[\\s\\S]*Poll on \`${ref}\` · 1 agree \\(1 voter\\)[\\s\\S]*Daily post on \`${ref}\``));
    expect(text).toContain('(2 replies)');
    expect(links(history)).toEqual([
      { name: 'message', url: `https://discord.com/channels/${guildId()}/${pollMessage.channelId}/${pollMessage.id}` },
      { name: 'message', url: `https://discord.com/channels/${guildId()}/${post.channelId}/${post.id}` },
      { name: 'thread', url: `https://discord.com/channels/${guildId()}/${threadId}` },
    ]);
    // Each link opens what it names in the world.
    expect(world().message(pollMessage.id)?.embeds.length).toBeGreaterThan(0);
    expect(world().message(post.id)?.id).toBe(post.id);
    expect(world().channel(threadId)?.thread).toBeTruthy();
    expect(history.pings).toEqual({ everyone: false, roles: [], users: [] });
  }, 60_000);

  it('GIVEN the post and its thread deleted THEN the History list says deleted instead of linking them; a check refused otherwise keeps the link', async () => {
    world().deleteMessage(post.id);
    world().deleteChannel(threadId);
    const shown = await run('member', 'passage', 'show', { ref });
    const history = await click('member', shown, customIdOf(shown, /^passage:hist:/));
    expect(textOf(history)).toMatch(new RegExp(`Daily post on \`${ref}\` · message deleted · thread deleted`));
    expect(links(history)).toEqual([{ name: 'message', url: `https://discord.com/channels/${guildId()}/${pollMessage.channelId}/${pollMessage.id}` }]);

    // A check Discord refuses for another reason tells nothing about the message: its link is kept.
    session.lb.faults.inject({ method: 'GET', route: `/channels/${pollMessage.channelId}/messages/${pollMessage.id}`, status: 403 });
    const refused = await click('member', shown, customIdOf(shown, /^passage:hist:/));
    expect(session.lb.faults.hits.some((hit) => hit.status === 403 && hit.path.endsWith(pollMessage.id))).toBe(true);
    expect(links(refused)).toEqual([{ name: 'message', url: `https://discord.com/channels/${guildId()}/${pollMessage.channelId}/${pollMessage.id}` }]);
  });

  it('GIVEN more entries than a page THEN Older and Newer turn the private History page in place', async () => {
    for (let i = 1; i <= 6; i++) await run('admin', 'note', 'add', { ref, text: `Thought ${i}.` });
    const shown = await run('member', 'passage', 'show', { ref });
    expect(textOf(shown)).toContain('7 notes');
    const first = await click('member', shown, customIdOf(shown, /^passage:hist:/));
    expect(textOf(first)).toContain('Page 1 of 2 · 9 in all');
    expect(textOf(first)).toMatch(/Thought 6\.[\s\S]*Thought 1\./);
    const older = componentsOf(first).find((c) => c.label === 'Older')!.custom_id!;
    expect(older).toMatch(/^passage:hpage:/);
    const second = await click('member', first, older);
    expect(second.id).toBe(first.id);
    expect(textOf(second)).toContain('Page 2 of 2');
    expect(textOf(second)).toContain(`Daily post on \`${ref}\``);
    const back = await click('member', second, componentsOf(second).find((c) => c.label === 'Newer')!.custom_id!);
    expect(textOf(back)).toContain('Page 1 of 2');
  });

  it('GIVEN another server THEN it has no history of the passage, and a History id of the first server opens nothing there', async () => {
    const other = await newServer(session, 'Other history group');
    const shown = await (await session.lb.driver.slash({ user: other.member, channel: other.channelId, name: 'passage', subcommand: 'show', options: { ref } })).reply();
    expect(textOf(shown)).not.toContain('Discussed');
    const mine = await run('member', 'passage', 'show', { ref });
    const forged = customIdOf(mine, /^passage:hist:/);
    const refused = await (await session.lb.driver.click({ user: other.member, message: shown, customId: forged, unchecked: true })).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('does not belong to it');
  });

  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
