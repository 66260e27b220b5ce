import { afterAll, describe, expect, it } from 'vitest';
import { gotoId, navId } from '../../../src/features/passage/ids.js';
import { articleChoices, passageChoices, passageView } from '../../../src/features/passage/views.js';
import { formatRef } from '../../../src/library/references.js';
import { libContext } from '../../helpers/context.js';
import { embedText, expectChoicesWithinLimits, expectWithinLimits } from '../../helpers/payload.js';

const ctx = await libContext();
afterAll(() => ctx.cleanup());

const GUILD = '100000000000000001';
const references = async (input: string) => {
  const choices = passageChoices(await ctx.passage.suggestReferences(GUILD, input));
  expectChoicesWithinLimits(choices);
  return choices;
};
const values = async (input: string) => (await references(input)).map((choice) => choice.value);
const paragraphsOf = (articleId: string, count: number) => Array.from({ length: count }, (_, i) => `${articleId}:${i + 1}`);

describe('autocomplete of a reference (/passage show, /poll passage)', () => {
  it('GIVEN the start of an article id THEN its paragraphs in order, not passages that merely contain the word', async () => {
    expect(await values('former')).toEqual(paragraphsOf('former-kazakhstan', 9));
    expect(await values('FORMER-kaz')).toEqual(paragraphsOf('former-kazakhstan', 9));
  });

  it('GIVEN the first words of a title THEN that article, each choice showing its reference and text', async () => {
    expect(await values('why putin')).toEqual(paragraphsOf('why-putin-interferes', 7));
    expect(await values('The former Kazakhstan')).toEqual(paragraphsOf('former-kazakhstan', 9));
    const [first] = await references('why putin 2');
    expect(first!.name).toMatch(/^why-putin-interferes:2 · These three questions converge/);
    expect(first!.name.length).toBeLessThanOrEqual(100);
  });

  it('GIVEN a range past the end THEN the range cut at the last paragraph is offered', async () => {
    expect(await values('former-kazakhstan:2-99')).toEqual(['former-kazakhstan:2-9']);
    expect(await values('former-kazakhstan 8-')).toEqual(['former-kazakhstan:8-9']);
  });

  it('GIVEN words that name no article THEN passages matching them, and before typing the articles’ openings', async () => {
    expect(await values('Baikonur')).toContain('why-putin-interferes:4');
    expect(await values('')).toEqual([...paragraphsOf('former-kazakhstan', 3), ...paragraphsOf('why-putin-interferes', 3)]);
    expect(await values('x'.repeat(6000))).toEqual([]);
  });
});

describe('autocomplete of an article (/quote, /passage search article)', () => {
  it('GIVEN the first words of a title THEN that article comes first', async () => {
    expect((await ctx.passage.suggestArticles(GUILD, 'the former')).map((article) => article.id)).toEqual(['former-kazakhstan']);
    expect(articleChoices(await ctx.passage.suggestArticles(GUILD, 'kazakhstan')).map((choice) => choice.value)).toEqual(['former-kazakhstan', 'why-putin-interferes']);
  });
});

describe('the menu of paragraphs under a passage', () => {
  type Menu = { custom_id: string; options: Array<{ label: string; value: string }> };
  const menuOf = (body: { components?: unknown[] }) => (body.components![1] as { components: Menu[] }).components[0]!;

  it('GIVEN an article named alone THEN its first paragraph, and a menu going to each of its paragraphs', async () => {
    const range = await ctx.passage.show(GUILD, 'former-kazakhstan');
    expect([range.from, range.to]).toEqual([1, 1]);
    const menu = menuOf(expectWithinLimits(passageView(range)));
    expect(gotoId.decode(menu.custom_id)).toBe('former-kazakhstan');
    expect(menu.options.map((option) => option.value)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(menu.options[8]!.label).toMatch(/^¶9 · – The introduction of CSTO troops/);
  });

  it('GIVEN a paragraph deep in a long article THEN the menu holds the 25 paragraphs around it', async () => {
    const article = (await ctx.library.forGuild(GUILD)).corpus.byId.get('why-putin-interferes')!;
    const long = { ...article, paragraphs: Array.from({ length: 40 }, (_, i) => ({ ...article.paragraphs[0]!, paragraph: i + 1, ref: `why-putin-interferes:${i + 1}` })) };
    const menu = menuOf(expectWithinLimits(passageView({ article: long, from: 30, to: 30, passages: [long.paragraphs[29]!] })));
    expect(menu.options.map((option) => Number(option.value))).toEqual(Array.from({ length: 25 }, (_, i) => i + 16));
  });
});

describe('a range longer than one message', () => {
  it('GIVEN Next pressed until the end THEN every paragraph of the range is shown once, in order', async () => {
    const seen: number[] = [];
    let ref = 'why-putin-interferes:1-7';
    for (let messages = 0; messages < 7; messages++) {
      const range = await ctx.passage.show(GUILD, ref);
      const body = expectWithinLimits(passageView(range));
      seen.push(...[...embedText(body).matchAll(/\*\*¶(\d+)\*\*/g)].map((match) => Number(match[1])));
      const next = navId.decode((body.components![0] as { components: Array<{ custom_id: string }> }).components[1]!.custom_id)!;
      if (next.to === undefined) break;
      expect(embedText(body)).toContain(`Press Next or ask for \`${formatRef('why-putin-interferes', next.paragraph, next.to)}\``);
      ref = formatRef(next.articleId, next.paragraph, next.to);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('GIVEN a range shown whole THEN Next moves to the paragraph after it', async () => {
    const body = expectWithinLimits(passageView(await ctx.passage.show(GUILD, 'why-putin-interferes:2-3')));
    const next = (body.components![0] as { components: Array<{ custom_id: string }> }).components[1]!.custom_id;
    expect(navId.decode(next)).toEqual({ articleId: 'why-putin-interferes', paragraph: 4, direction: 'next' });
  });
});
