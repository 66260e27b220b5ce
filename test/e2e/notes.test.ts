// Notes end to end (SPEC section 11): /note add with its cooldown, /note list paging through a
// passage's notes, /note remove for the author and for Manage Messages, refused to others, no pings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, SlashInput } from '@marginalia/loopback';
import { componentsOf, expectCleanRun, newServer, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that the second server made below has them.
  session = await startSession({ deploy: 'global' });
  session.lb.world.addMember(session.lb.world.defaultGuild.id, { name: 'ana' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const world = () => session.lb.world;
const note = async (user: string, subcommand: string, options: SlashInput['options']) => (await session.lb.driver.slash({ user, name: 'note', subcommand, options })).reply();
const idOf = (reply: MessageRecord) => /note `#([0-9a-z]{6})`/.exec(textOf(reply))?.[1] ?? '';

describe('/note', () => {
  it('GIVEN a note THEN it is confirmed privately with its id, author and text, and pings nobody', async () => {
    const reply = await note('member', 'add', { ref: 'former-kazakhstan:2', text: '@everyone look at **this** <@&1> @here' });
    expect(reply.ephemeral).toBe(true);
    const text = textOf(reply);
    expect(text).toContain('Note added to former-kazakhstan:2');
    expect(text).toContain(`by <@${world().users.member!.id}>`);
    expect(text).toContain('@everyone look at \\*\\*this\\*\\* <@&1> @here');
    expect(idOf(reply)).toMatch(/^[0-9a-z]{6}$/);
    expect(reply.pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('GIVEN a second note at once THEN the posting cooldown refuses it in one sentence', async () => {
    const reply = await note('member', 'add', { ref: 'former-kazakhstan:2', text: 'Too soon' });
    expect(reply.content).toMatch(/^You posted to the channel a moment ago; you can post again <t:\d+:R>\.$/);
    const set = await (await session.lb.driver.slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { cooldown_seconds: 0 } })).reply();
    expect(set.content).toMatch(/cooldown/i);
  });

  it('GIVEN bad input THEN one clear sentence each; autocomplete offers references', async () => {
    expect((await note('member', 'add', { ref: 'former-kazakstan:2', text: 'Hm' })).content).toBe(
      'There is no article `former-kazakstan`: did you mean `former-kazakhstan:2`? `/articles` lists them all.',
    );
    expect((await note('member', 'add', { ref: 'former-kazakhstan:2', text: '   ' })).content).toMatch(/^A note needs some text/);
    expect((await note('member', 'remove', { id: 'nope' })).content).toMatch(/^A note id is six letters and digits/);
    expect((await note('member', 'remove', { id: '#zzzzzz' })).content).toBe('This server has no note `#zzzzzz`: `/note list` shows a passage\'s notes.');
    const choices = await session.lb.driver.autocomplete({ user: 'member', name: 'note', subcommand: 'add', options: { ref: 'former-kazakhstan:' }, focused: 'ref' });
    expect(choices.map((choice) => choice.value)).toContain('former-kazakhstan:2');
  });

  it('GIVEN 12 notes on a passage THEN /note list pages through them newest first, with author and date', async () => {
    for (let i = 1; i <= 12; i++) expect(textOf(await note(i % 2 === 0 ? 'ana' : 'member', 'add', { ref: 'why-putin-interferes:3', text: `Point number ${i}.` }))).toContain('Note added');
    const first = await note('admin', 'list', { ref: 'why-putin-interferes:3' });
    expect(first.ephemeral).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect(textOf(first)).toContain(`**${today}** · note \``);
    expect(textOf(first)).toContain(`by <@${world().users.ana!.id}>`);
    expect(textOf(first)).toMatch(/Point number 12\.[\s\S]*Point number 11\./);
    expect(textOf(first)).not.toContain('Point number 1.');
    expect(textOf(first)).toContain('Page 1 of 2 · 12 in all');
    expect(componentsOf(first).map((c) => [c.label, c.disabled])).toEqual([['Newer', true], ['Older', false]]);

    const older = componentsOf(first)[1]!.custom_id!;
    expect(older).toMatch(/^note:page:/);
    const second = await (await session.lb.driver.click({ user: 'admin', message: first, customId: older })).reply();
    expect(second.id).toBe(first.id);
    expect(textOf(second)).toContain('Page 2 of 2');
    expect(textOf(second)).toContain('Point number 1.');
    expect(textOf(second)).not.toContain('Point number 12.');

    // Another passage's notes are its own; one of a range covers each of its paragraphs.
    expect(textOf(await note('admin', 'list', { ref: 'why-putin-interferes:4' }))).toContain('No notes on `why-putin-interferes:4` yet');
    await note('member', 'add', { ref: 'why-putin-interferes 3-4', text: 'Both paragraphs.' });
    expect(textOf(await note('admin', 'list', { ref: 'why-putin-interferes:4' }))).toMatch(/on `why-putin-interferes:3-4`\n> Both paragraphs\./);
  }, 60_000);

  it('GIVEN a note THEN another member is refused, and its author or Manage Messages removes it', async () => {
    const mine = idOf(await note('member', 'add', { ref: 'former-kazakhstan:5', text: 'Mine to remove.' }));
    const anas = idOf(await note('ana', 'add', { ref: 'former-kazakhstan:5', text: 'A moderator removes this.' }));
    expect((await note('ana', 'remove', { id: `#${mine}` })).content).toBe(`Only the note's author or a member with Manage Messages can remove note \`#${mine}\`.`);
    expect((await note('member', 'remove', { id: `#${mine}` })).content).toBe(`Removed note \`#${mine}\` from \`former-kazakhstan:5\`.`);
    expect((await note('admin', 'remove', { id: anas })).content).toBe(`Removed note \`#${anas}\` from \`former-kazakhstan:5\`.`);
    expect(textOf(await note('member', 'list', { ref: 'former-kazakhstan:5' }))).toContain('No notes on `former-kazakhstan:5` yet');
    expect((await note('member', 'remove', { id: mine })).content).toContain('This server has no note');
  });

  it('GIVEN another server THEN it sees none of these notes, and a page id of the first server turns nothing there', async () => {
    const other = await newServer(session, 'Other notes group');
    const listed = await (await session.lb.driver.slash({ user: other.member, channel: other.channelId, name: 'note', subcommand: 'list', options: { ref: 'why-putin-interferes:3' } })).reply();
    expect(textOf(listed)).toContain('No notes on `why-putin-interferes:3` yet');
    const first = await note('admin', 'list', { ref: 'why-putin-interferes:3' });
    const forged = componentsOf(first)[1]!.custom_id!;
    const refused = await (await session.lb.driver.click({ user: other.member, message: listed, customId: forged, unchecked: true })).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('does not belong to it');
  });

  it('GIVEN an added article with a note, then removed THEN its references get the library\'s sentence, from /note and from History', async () => {
    const server = await newServer(session, 'Removed article group');
    const inServer = async (user: string, name: string, subcommand: string, options: SlashInput['options']) =>
      (await session.lb.driver.slash({ user, channel: server.channelId, name, subcommand, options })).reply();
    const steppe = { filename: 'steppe.txt', bytes: Buffer.from('Notes from the steppe\n\nThe marmots whistle before the rain.\n', 'utf8') };
    expect(textOf(await inServer(server.admin, 'library', 'add', { file: steppe }))).toContain('Notes from the steppe');
    expect((await inServer(server.admin, 'settings', 'set', { cooldown_seconds: 0 })).content).toMatch(/cooldown/i);
    expect(textOf(await inServer(server.member, 'note', 'add', { ref: 'steppe:1', text: 'Marmots as weather forecasters.' }))).toContain('Note added');
    const shown = await inServer(server.member, 'passage', 'show', { ref: 'steppe:1' });
    expect(textOf(shown)).toContain('1 note');
    const asked = await inServer(server.admin, 'library', 'remove', { article: 'steppe' });
    const confirm = componentsOf(asked).find((c) => c.custom_id?.startsWith('library:rm:'))!.custom_id!;
    await (await session.lb.driver.click({ user: server.admin, message: asked, customId: confirm })).reply();
    expect((await inServer(server.member, 'note', 'list', { ref: 'steppe:1' })).content).toMatch(/^There is no article `steppe`/);
    expect((await inServer(server.member, 'note', 'add', { ref: 'steppe:1', text: 'Too late.' })).content).toMatch(/^There is no article `steppe`/);
    const history = componentsOf(shown).find((c) => c.label === 'History')!.custom_id!;
    expect((await (await session.lb.driver.click({ user: server.member, message: shown, customId: history })).reply()).content).toMatch(/^There is no article `steppe`/);
  });

  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
