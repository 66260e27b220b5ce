import { afterAll, describe, expect, it } from 'vitest';
import { searchResultView } from '../../src/features/passage/views.js';
import { inOtherScript } from '../../src/search/script.js';
import { libContext } from '../helpers/context.js';
import { embedText, expectWithinLimits } from '../helpers/payload.js';

describe('a query in another alphabet', () => {
  it.each(['Казахстан', 'Путин Назарбаев', '北京', 'Ελλάδα', 'قزاقستان'])('GIVEN %s THEN it is in another script', (query) => {
    expect(inOtherScript(query)).toBe(true);
  });

  it.each(['Kazakhstan', 'Путин Putin', 'Schröder', '1991', '😀', ''])('GIVEN %j THEN it is not', (query) => {
    expect(inOtherScript(query)).toBe(false);
  });
});

describe('the reply to a search in another alphabet', () => {
  const request = { guildId: '100000000000000001', userId: '200000000000000001', perPage: 5 };
  const ready = libContext();
  afterAll(async () => (await ready).cleanup());

  const reply = async (query: string) => {
    const result = await (await ready).passage.search({ ...request, query });
    if (result.kind === 'found') throw new Error(`"${query}" found passages`);
    return embedText(expectWithinLimits(searchResultView(result)));
  };

  it('GIVEN Казахстан THEN the member is told the texts are English', async () => {
    const text = await reply('Казахстан');
    expect(text).toContain('No passage matches');
    expect(text).toContain('The articles are in English');
    expect(text).toContain('Kazakhstan');
  });

  it('GIVEN an English word that is nowhere THEN the usual hint, not the English one', async () => {
    const text = await reply('xyzzyq');
    expect(text).toContain('Try fewer or other words');
    expect(text).not.toContain('The articles are in English');
  });

  it('GIVEN a server that added a Cyrillic spelling THEN its search finds it', async () => {
    const ctx = await ready;
    await ctx.spellings.add(request.guildId, { form: 'Байконур', other: 'Baikonur' });
    const result = await ctx.passage.search({ ...request, query: 'Байконур' });
    expect(result.kind === 'found' && result.matches.found.map((match) => match.ref)).toEqual(['why-putin-interferes:4']);
  });
});
