import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/lib/errors.js';
import { helpView } from '../../src/features/help/views.js';
import { settingsChangedView, settingsView } from '../../src/features/settings/views.js';
import { HELP } from '../../src/features/help/entries.js';
import type { SearchRequest } from '../../src/features/passage/service.js';
import { articleChoices, articlesView, passageChoices, passageView, searchResultView, searchView } from '../../src/features/passage/views.js';
import { DEFAULT_SETTINGS } from '../../src/features/settings/service.js';
import { libContext } from '../helpers/context.js';
import { embedText, expectChoicesWithinLimits, expectWithinLimits } from '../helpers/payload.js';

const ctx = await libContext();
afterAll(() => ctx.cleanup());

const GUILD = '100000000000000001';
const request = { guildId: GUILD, userId: '200000000000000001', perPage: 5 };

// What the handlers send: the service's answer through the feature's view.
const passageReply = async (ref: string) => passageView(await ctx.passage.show(GUILD, ref));
const searchReply = async (search: SearchRequest) => {
  const result = await ctx.passage.search(search);
  return result.kind === 'found' ? searchView(await ctx.passage.keep(result.matches)) : searchResultView(result);
};
const searchPageReply = async (sessionId: string, page: number, perPage: number) => searchView(await ctx.passage.searchPage(GUILD, sessionId, page, perPage));
const passageSuggestions = async (input: string) => passageChoices(await ctx.passage.suggestPassages(GUILD, input));
const articleSuggestions = async (input: string) => articleChoices(await ctx.passage.suggestArticles(GUILD, input));
type Row = { components: Array<{ custom_id?: string; disabled?: boolean; options?: Array<{ value: string }> }> };
const rows = (body: { components?: unknown[] }) => (body.components ?? []) as Row[];

describe('/passage show replies', () => {
  it('GIVEN one paragraph THEN title, text, reference and source are shown with previous / next', async () => {
    const body = expectWithinLimits(await passageReply('former-kazakhstan:2'));
    const embed = body.embeds![0] as { title: string; description: string; footer: { text: string } };
    expect(embed.title).toBe('“The former Kazakhstan ceased to exist yesterday”');
    expect(embed.description).toContain('Marat Isenov, a famous Russian-speaking poet');
    expect(embed.footer.text).toBe('former-kazakhstan:2 · interview · source: www.mk.ru · translated from ru');
    const [previous, next] = rows(body)[0]!.components;
    expect(previous).toMatchObject({ custom_id: 'passage:nav:former-kazakhstan:1:prev', disabled: false });
    expect(next).toMatchObject({ custom_id: 'passage:nav:former-kazakhstan:3:next', disabled: false });
  });

  it('GIVEN the first and last paragraphs THEN the button past the edge is disabled', async () => {
    expect(rows(expectWithinLimits(await passageReply('former-kazakhstan:1')))[0]!.components[0]!.disabled).toBe(true);
    expect(rows(expectWithinLimits(await passageReply('former-kazakhstan:9')))[0]!.components[1]!.disabled).toBe(true);
  });

  it('GIVEN a range THEN each paragraph is numbered', async () => {
    const body = expectWithinLimits(await passageReply('why-putin-interferes:2-3'));
    expect(embedText(body)).toContain('**¶2** These three questions');
    expect(embedText(body)).toContain('**¶3** The Russian despot');
  });

  it('GIVEN a range longer than one message THEN whole paragraphs that fit are shown and the rest is offered', async () => {
    const body = expectWithinLimits(await passageReply('why-putin-interferes:1-7'));
    const text = embedText(body);
    expect(text).toContain('**¶1**');
    expect(text).not.toContain('**¶7**');
    expect(text).toMatch(/showing why-putin-interferes:1-\d/);
    expect(rows(body)[0]!.components[1]!.disabled).toBe(false);
  });

  it.each(['former-kazakhstan:99', 'nonsense', '   '])('GIVEN the bad reference %j THEN a UserError explains it', async (ref) => {
    await expect(passageReply(ref)).rejects.toThrow(UserError);
  });
});

describe('/passage search replies', () => {
  it('GIVEN CSTO THEN both articles are listed with references, bold matches, a select menu and no page buttons', async () => {
    const body = expectWithinLimits(await searchReply({ ...request, query: 'CSTO' }));
    const text = embedText(body);
    expect(text).toContain('former-kazakhstan:9');
    expect(text).toContain('why-putin-interferes:5');
    expect(text).toContain('**CSTO**');
    expect(rows(body)).toHaveLength(1);
    expect(rows(body)[0]!.components[0]!.options!.map((o) => o.value).sort()).toEqual(['former-kazakhstan:9', 'why-putin-interferes:5']);
  });

  it('GIVEN many matches THEN results come in pages whose buttons open the next page of the same search', async () => {
    const body = expectWithinLimits(await searchReply({ ...request, query: 'Putin Kazakhstan', perPage: 2 }));
    expect(embedText(body)).toMatch(/Page 1 of \d+/);
    const buttons = rows(body)[1]!.components;
    expect(buttons[0]!.disabled).toBe(true);
    const [, , sessionId, page] = buttons[1]!.custom_id!.split(':');
    expect(page).toBe('2');
    const second = expectWithinLimits(await searchPageReply(sessionId!, 2, 2));
    expect(embedText(second)).toMatch(/Page 2 of \d+/);
    expect(rows(second)[1]!.components[0]!.disabled).toBe(false);
  });

  it('GIVEN a word form and a typo THEN they still match and the matched words are bold', async () => {
    expect(embedText(expectWithinLimits(await searchReply({ ...request, query: 'protesters' })))).toMatch(/\*\*protest\w*\*\*/);
    expect(embedText(expectWithinLimits(await searchReply({ ...request, query: 'Nazarbaev' })))).toContain('**Nazarbayev**');
  });

  it('GIVEN an article filter THEN only that article is searched, and an unknown one is named', async () => {
    const text = embedText(expectWithinLimits(await searchReply({ ...request, query: 'CSTO', articleId: 'why-putin-interferes' })));
    expect(text).toContain('why-putin-interferes:5');
    expect(text).not.toContain('former-kazakhstan:9');
    await expect(searchReply({ ...request, query: 'CSTO', articleId: 'why-putin' })).rejects.toThrow(/did you mean `why-putin-interferes`/);
  });

  it('GIVEN a reference chosen from autocomplete THEN the passage opens instead of a search', async () => {
    const body = expectWithinLimits(await searchReply({ ...request, query: 'former-kazakhstan:9' }));
    expect(embedText(body)).toContain('The introduction of CSTO troops');
  });

  it.each(['xyzzyq', '.*+?^${}()|[]\\', '🙂🙂🙂', 'a'.repeat(6000)])('GIVEN %s THEN a clear no-match reply, not an error', async (query) => {
    const body = expectWithinLimits(await searchReply({ ...request, query }));
    expect(embedText(body)).toContain('No passage matches');
  });

  it('GIVEN an empty query or an expired search THEN one clear sentence', async () => {
    await expect(searchReply({ ...request, query: '   ' })).rejects.toThrow('`query` needs at least one word to look for.');
    await expect(searchPageReply('gone', 2, 5)).rejects.toThrow('This search has expired');
  });

  it('GIVEN a query full of mentions THEN the reply body pings nobody by itself', async () => {
    const payload = await searchReply({ ...request, query: '@everyone <@&300000000000000001> CSTO' });
    expect(payload.allowedMentions).toBeUndefined(); // the client's default { parse: [] } applies
    expectWithinLimits(payload);
  });
});

describe('autocomplete choices', () => {
  it('GIVEN nothing typed THEN the first passages of each article are offered', async () => {
    const choices = await passageSuggestions('');
    expectChoicesWithinLimits(choices);
    expect(choices.map((c) => c.value)).toContain('former-kazakhstan:1');
    expect(choices.map((c) => c.value)).toContain('why-putin-interferes:1');
  });

  it('GIVEN an article prefix THEN its paragraphs are offered by number', async () => {
    expect((await passageSuggestions('why-putin-interferes:')).map((c) => c.value)).toHaveLength(7);
    expect((await passageSuggestions('former-kazakhstan:9')).map((c) => c.value)).toEqual(['former-kazakhstan:9']);
  });

  it('GIVEN words THEN matching passages are offered, each value a reference within limits', async () => {
    const choices = await passageSuggestions('Baikonur');
    expectChoicesWithinLimits(choices);
    expect(choices[0]!.value).toBe('why-putin-interferes:4');
    expect(choices[0]!.name).toMatch(/^why-putin-interferes:4 · /);
    expectChoicesWithinLimits(await passageSuggestions('x'.repeat(6000)));
  });

  it('GIVEN part of a title THEN the article is offered', async () => {
    expect(await articleSuggestions('putin')).toEqual([{ name: 'Why is Putin interfering in Kazakhstan’s affairs? (why-putin-interferes)', value: 'why-putin-interferes' }]);
    expect((await articleSuggestions('')).map((c) => c.value)).toEqual(['former-kazakhstan', 'why-putin-interferes']);
  });
});

describe('/articles, /help and /settings replies', () => {
  it('GIVEN the corpus THEN every article is listed with kind, source, paragraphs and reading time', async () => {
    const text = embedText(expectWithinLimits(articlesView(await ctx.passage.articles(GUILD))));
    expect(text).toContain('`former-kazakhstan` · interview');
    expect(text).toContain('source: www.mk.ru');
    expect(text).toContain('9 paragraphs · about 2 min read');
    expect(text).toContain('source not given');
    expect(text).toContain('7 paragraphs · about 7 min read');
  });

  it('GIVEN /help THEN every entry has an example and fits', () => {
    const text = embedText(expectWithinLimits(helpView(HELP)));
    for (const entry of HELP) expect(text).toContain(entry.example);
  });

  it('GIVEN settings THEN show lists each with its meaning, and a change says from and to', () => {
    expect(embedText(expectWithinLimits(settingsView(DEFAULT_SETTINGS)))).toContain('results_per_page: 5 (default)');
    const changed = expectWithinLimits(
      settingsChangedView({ settings: { ...DEFAULT_SETTINGS, results_per_page: 8 }, changed: [{ name: 'results_per_page', from: 5, to: 8 }] }),
    );
    expect(changed.content).toBe('`results_per_page`: 5 → **8**');
    expect(expectWithinLimits(settingsChangedView({ settings: DEFAULT_SETTINGS, changed: [] })).content).toContain('Nothing changed');
  });
});
