import { afterAll, describe, expect, it } from 'vitest';
import { createServerPrompts } from '../../../src/features/prompts/service.js';
import { shippedLibrary } from '../../../src/library/library.js';
import { shippedCorpus, silentLogger, tempStore } from '../../helpers/context.js';

const temp = tempStore();
const changed: string[] = [];
const prompts = createServerPrompts({ store: temp.store, logger: silentLogger, library: shippedLibrary(await shippedCorpus()), onChange: (guildId) => changed.push(guildId) });
afterAll(() => temp.cleanup());

let guild = 0;
const nextGuild = () => `20000000000000${String(++guild).padStart(4, '0')}`;
const ADMIN = '30000000000000001';
const question = (n: number) => `What does the author leave out in case ${n}?`;

describe('/prompt add and its checks', () => {
  it('GIVEN a question THEN it is listed at once, and the library is told', async () => {
    const guildId = nextGuild();
    const entry = await prompts.add(guildId, ADMIN, { text: '  Who gains if readers believe this passage?  ' });
    expect(entry).toMatchObject({ text: 'Who gains if readers believe this passage?', refs: [], by: ADMIN });
    expect(entry.id).toMatch(/^p-[0-9a-z]+$/);
    expect(await prompts.list(guildId)).toEqual([entry]);
    expect(changed).toContain(guildId);
  });

  it('GIVEN text that is no question, too short or too long THEN one sentence naming `text`', async () => {
    const guildId = nextGuild();
    await expect(prompts.add(guildId, ADMIN, { text: 'Discuss the passage in pairs.' })).rejects.toThrow('`text` should end with a question mark.');
    await expect(prompts.add(guildId, ADMIN, { text: 'Why?' })).rejects.toThrow('`text` is too short to be a question.');
    await expect(prompts.add(guildId, ADMIN, { text: `${'Why '.repeat(80)}?` })).rejects.toThrow('`text` is longer than 300 characters.');
    expect(await prompts.list(guildId)).toEqual([]);
  });

  it('GIVEN a reference THEN it resolves in the library and ranges expand; GIVEN an unknown one THEN the reference’s own message', async () => {
    const guildId = nextGuild();
    const tied = await prompts.add(guildId, ADMIN, { text: question(1), ref: 'former-kazakhstan 2-3' });
    expect(tied).toMatchObject({ ref: 'former-kazakhstan:2-3', refs: ['former-kazakhstan:2', 'former-kazakhstan:3'] });
    await expect(prompts.add(guildId, ADMIN, { text: question(2), ref: 'narnia:1' })).rejects.toThrow('There is no article `narnia`');
    await expect(prompts.add(guildId, ADMIN, { text: question(3), ref: 'former-kazakhstan:99' })).rejects.toThrow('has paragraphs 1 to');
  });

  it('GIVEN the same text twice THEN the second is refused', async () => {
    const guildId = nextGuild();
    await prompts.add(guildId, ADMIN, { text: question(1) });
    await expect(prompts.add(guildId, ADMIN, { text: question(1) })).rejects.toThrow('This server already has that prompt');
    await expect(prompts.suggest(guildId, '40000000000000001', { text: question(1) })).rejects.toThrow('This server already has that prompt');
  });
});

describe('/prompt suggest and review', () => {
  it('GIVEN a member with 3 suggestions waiting THEN a 4th is refused, while another member may still suggest', async () => {
    const guildId = nextGuild();
    const member = '40000000000000001';
    for (const n of [1, 2, 3]) await prompts.suggest(guildId, member, { text: question(n) });
    await expect(prompts.suggest(guildId, member, { text: question(4) })).rejects.toThrow('You have 3 suggestions waiting for review already');
    await prompts.suggest(guildId, '40000000000000002', { text: question(4) });
    expect((await prompts.waiting(guildId)).map((entry) => entry.text)).toEqual([1, 2, 3, 4].map(question));
    expect(await prompts.list(guildId)).toEqual([]);
    await expect(prompts.suggest(guildId, '40000000000000002', { text: question(4) })).rejects.toThrow('That prompt is already waiting for review.');
  });

  it('GIVEN approve THEN the suggestion joins the list; GIVEN reject THEN it goes; GIVEN either again THEN it is no longer waiting', async () => {
    const guildId = nextGuild();
    const member = '40000000000000001';
    const first = await prompts.suggest(guildId, member, { text: question(1), ref: 'why-putin-interferes:4' });
    const second = await prompts.suggest(guildId, member, { text: question(2) });
    changed.length = 0;
    const approved = await prompts.review(guildId, first.id, 'approve');
    expect(approved).toEqual({ entry: first, waiting: [second] });
    expect(changed).toEqual([guildId]);
    expect((await prompts.review(guildId, second.id, 'reject')).waiting).toEqual([]);
    expect(changed).toEqual([guildId]);
    expect(await prompts.list(guildId)).toEqual([first]);
    expect(await prompts.waiting(guildId)).toEqual([]);
    await expect(prompts.review(guildId, first.id, 'approve')).rejects.toThrow('That suggestion is no longer waiting');
    // The member's approved and rejected suggestions no longer count towards the 3.
    for (const n of [3, 4, 5]) await prompts.suggest(guildId, member, { text: question(n) });
  });
});

describe('/prompt remove, isolation and storage', () => {
  it('GIVEN remove THEN the prompt leaves the list; GIVEN an unknown id THEN one sentence', async () => {
    const guildId = nextGuild();
    const kept = await prompts.add(guildId, ADMIN, { text: question(1) });
    const gone = await prompts.add(guildId, ADMIN, { text: question(2) });
    expect(await prompts.remove(guildId, ` ${gone.id.toUpperCase()} `)).toEqual(gone);
    expect(await prompts.list(guildId)).toEqual([kept]);
    await expect(prompts.remove(guildId, gone.id)).rejects.toThrow(`This server has no prompt \`${gone.id}\``);
    await expect(prompts.remove(guildId, '<@123> x')).rejects.toThrow('`id` should be a prompt id as `/prompt list` shows it, e.g. p-1k3x9a.');
  });

  it('GIVEN two servers THEN neither sees, reviews nor removes the other’s prompts', async () => {
    const [one, two] = [nextGuild(), nextGuild()];
    const added = await prompts.add(one, ADMIN, { text: question(1) });
    const waiting = await prompts.suggest(one, '40000000000000001', { text: question(2) });
    expect(await prompts.list(two)).toEqual([]);
    expect(await prompts.waiting(two)).toEqual([]);
    expect(await prompts.forLibrary(two)).toEqual([]);
    await expect(prompts.review(two, waiting.id, 'approve')).rejects.toThrow('no longer waiting');
    await expect(prompts.remove(two, added.id)).rejects.toThrow('This server has no prompt');
    // The same text is a prompt of its own in the other server.
    expect(await prompts.add(two, ADMIN, { text: question(1) })).toMatchObject({ id: added.id });
    expect(await prompts.list(one)).toEqual([added]);
  });

  it('GIVEN approved prompts THEN forLibrary gives them as critical server prompts, ids apart from the shipped ones', async () => {
    const guildId = nextGuild();
    const { prompts: shipped } = await shippedCorpus();
    const sameAsShipped = shipped.prompts[0]!.text;
    await prompts.add(guildId, ADMIN, { text: sameAsShipped });
    await prompts.add(guildId, ADMIN, { text: question(1), ref: 'former-kazakhstan:2' });
    await prompts.suggest(guildId, '40000000000000001', { text: question(2) });
    const own = await prompts.forLibrary(guildId);
    expect(own).toEqual([
      { number: 1, id: expect.stringMatching(/^p-/), text: sameAsShipped, style: 'critical', refs: [], server: true },
      { number: 2, id: expect.stringMatching(/^p-/), text: question(1), style: 'critical', refs: ['former-kazakhstan:2'], server: true },
    ]);
    expect(shipped.prompts.map((prompt) => prompt.id)).not.toContain(own[0]!.id);
  });

  it('GIVEN the bot removed from a server THEN its prompts and suggestions go', async () => {
    const guildId = nextGuild();
    await prompts.add(guildId, ADMIN, { text: question(1) });
    await prompts.suggest(guildId, '40000000000000001', { text: question(2) });
    await prompts.forgetGuild(guildId);
    expect(await prompts.list(guildId)).toEqual([]);
    expect(await prompts.waiting(guildId)).toEqual([]);
  });

  it('GIVEN an unreadable record THEN it is set aside in quarantine and the server starts over', async () => {
    const guildId = nextGuild();
    await temp.store.namespace('prompts').set(guildId, { prompts: [{ id: 'p-1', text: 'no question' }], waiting: [] });
    expect(await prompts.list(guildId)).toEqual([]);
    const aside: unknown[] = [];
    for await (const [, record] of temp.store.namespace('quarantine').entries()) aside.push(record);
    expect(aside).toContainEqual(expect.objectContaining({ namespace: 'prompts', key: guildId, raw: expect.stringContaining('no question') }));
    expect((await prompts.add(guildId, ADMIN, { text: question(1) })).text).toBe(question(1));
  });
});
