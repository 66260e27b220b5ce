import { afterAll, describe, expect, it } from 'vitest';
import { createSpellingsService } from '../../../src/features/spellings/service.js';
import { libContext, silentLogger } from '../../helpers/context.js';

const ctx = await libContext();
afterAll(() => ctx.cleanup());

let guild = 0;
const nextGuild = () => `10000000000000${String(++guild).padStart(4, '0')}`;

describe('a server’s own spellings', () => {
  it('GIVEN a pair THEN it is one group; GIVEN a form already in a group THEN the other joins it', async () => {
    const guildId = nextGuild();
    expect(await ctx.spellings.add(guildId, { form: 'cosmodrome', other: 'Baikonur' })).toEqual(['cosmodrome', 'Baikonur']);
    expect(await ctx.spellings.add(guildId, { form: 'Baikonour', other: 'Baikonur' })).toEqual(['Baikonour', 'cosmodrome', 'Baikonur']);
    expect((await ctx.spellings.list(guildId)).own).toEqual([['Baikonour', 'cosmodrome', 'Baikonur']]);
  });

  it('GIVEN two forms in two groups THEN the groups merge; GIVEN both in one THEN one clear sentence', async () => {
    const guildId = nextGuild();
    await ctx.spellings.add(guildId, { form: 'a1', other: 'b1' });
    await ctx.spellings.add(guildId, { form: 'c1', other: 'd1' });
    expect(await ctx.spellings.add(guildId, { form: 'b1', other: 'c1' })).toEqual(['a1', 'b1', 'c1', 'd1']);
    await expect(ctx.spellings.add(guildId, { form: 'A1', other: 'd1' })).rejects.toThrow('`a1`, `b1`, `c1`, `d1` are already one spelling group on this server.');
  });

  it('GIVEN bad input THEN the option and the reason in one sentence', async () => {
    const guildId = nextGuild();
    await expect(ctx.spellings.add(guildId, { form: 'the', other: 'Almaty' })).rejects.toThrow('`form` has only common words, which search leaves out.');
    await expect(ctx.spellings.add(guildId, { form: 'Almaty', other: 'x'.repeat(61) })).rejects.toThrow('`other` is longer than 60 characters.');
    await expect(ctx.spellings.add(guildId, { form: 'Saint-Just', other: 'saint just' })).rejects.toThrow('`other` reads as the same word as `form`');
    await expect(ctx.spellings.remove(guildId, 'Narnia')).rejects.toThrow("`Narnia` is not one of this server's own spellings");
  });

  it('GIVEN remove THEN the form leaves its group, and a group of one goes', async () => {
    const guildId = nextGuild();
    await ctx.spellings.add(guildId, { form: 'x1', other: 'y1' });
    await ctx.spellings.add(guildId, { form: 'x1', other: 'z1' });
    expect(await ctx.spellings.remove(guildId, 'z1')).toEqual(['x1', 'y1']);
    expect(await ctx.spellings.remove(guildId, 'Y1')).toEqual([]);
    expect((await ctx.spellings.list(guildId)).own).toEqual([]);
  });

  it('GIVEN a group too big or too many groups THEN a refusal that says what to do', async () => {
    const guildId = nextGuild();
    for (let i = 2; i <= 8; i++) await ctx.spellings.add(guildId, { form: 'w0', other: `w${i}` });
    await expect(ctx.spellings.add(guildId, { form: 'w0', other: 'w9' })).rejects.toThrow('A spelling group holds at most 8 forms');
    const many = nextGuild();
    for (let i = 0; i < 50; i++) await ctx.spellings.add(many, { form: `p${i}`, other: `q${i}` });
    await expect(ctx.spellings.add(many, { form: 'p50', other: 'q50' })).rejects.toThrow('This server has 50 spelling groups');
    // Joining an existing group is still possible at the limit.
    expect(await ctx.spellings.add(many, { form: 'p0', other: 'r0' })).toEqual(['p0', 'q0', 'r0']);
  });

  it('GIVEN concurrent adds THEN none is lost, and the store keeps them for a new process', async () => {
    const guildId = nextGuild();
    await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.spellings.add(guildId, { form: `m${i}`, other: `n${i}` })));
    expect((await ctx.spellings.list(guildId)).own).toHaveLength(10);
    const fresh = createSpellingsService({ store: ctx.store, logger: silentLogger, library: ctx.library });
    expect((await fresh.list(guildId)).own).toHaveLength(10);
  });

  it('GIVEN a server’s spellings THEN its searches use them with the shipped list, and another server’s do not', async () => {
    const guildId = nextGuild();
    const before = await ctx.spellings.forSearch(guildId);
    expect(before.size).toBeGreaterThanOrEqual(25);
    await ctx.spellings.add(guildId, { form: 'cosmodrome', other: 'Baikonur' });
    const after = await ctx.spellings.forSearch(guildId);
    expect(after.size).toBe(before.size + 1);
    expect(await ctx.spellings.forSearch(guildId)).toBe(after);
    expect((await ctx.spellings.forSearch(nextGuild())).size).toBe(before.size);
    await ctx.spellings.forgetGuild(guildId);
    expect((await ctx.spellings.forSearch(guildId)).size).toBe(before.size);
  });
});

describe('a kept search after the server’s spellings changed', () => {
  it('GIVEN a search found only through a spelling WHEN the spelling is removed THEN its next page says it finds nothing any more', async () => {
    const guildId = nextGuild();
    await ctx.spellings.add(guildId, { form: 'cosmodrome', other: 'Baikonur' });
    const result = await ctx.passage.search({ guildId, userId: '1', query: 'cosmodrome', perPage: 1 });
    if (result.kind !== 'found') throw new Error(`expected matches, got ${result.kind}`);
    const { sessionId } = await ctx.passage.keep(result.matches);
    expect((await ctx.passage.searchPage(guildId, sessionId, 1, 1)).found[0]!.ref).toBe('why-putin-interferes:4');
    await ctx.spellings.remove(guildId, 'cosmodrome');
    await expect(ctx.passage.searchPage(guildId, sessionId, 1, 1)).rejects.toThrow('This search finds nothing any more');
  });
});
