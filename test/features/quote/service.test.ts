import { afterAll, describe, expect, it } from 'vitest';
import { nextInRotation } from '../../../src/features/daily/rotation.js';
import { createRotationStore } from '../../../src/features/daily/store.js';
import { quoteMessage } from '../../../src/features/daily/views.js';
import { createQuoteService } from '../../../src/features/quote/service.js';
import { buildCorpus, parseArticle } from '../../../src/library/corpus.js';
import { shippedLibrary } from '../../../src/library/library.js';
import { builtInPrompts, promptTiers } from '../../../src/library/prompts.js';
import { extractQuotes } from '../../../src/library/quotes.js';
import { UserError } from '../../../src/lib/errors.js';
import { libContext, shippedCorpus, silentLogger } from '../../helpers/context.js';
import { expectWithinLimits } from '../../helpers/payload.js';

const GUILD = '100000000000000001';
const ctx = await libContext();
afterAll(() => ctx.cleanup());
const shipped = await shippedCorpus();
const { quotes } = shipped;
const rotations = createRotationStore(ctx.store, silentLogger);
const acknowledged = async () => undefined;

/** A `random` that picks the quote at `index` of a pool of `size`, then any seed. */
const picking = (index: number, size: number) => {
  const values = [(index + 0.5) / size, 0.25];
  return () => values.shift() ?? 0.5;
};

describe('/quote', () => {
  it('GIVEN an article THEN a quote of it with a prompt, in the daily post format, pinging nobody', async () => {
    const card = await ctx.quote.random(GUILD, 'former-kazakhstan', acknowledged);
    expect(card.quote.articleId).toBe('former-kazakhstan');
    expect(card.article.id).toBe('former-kazakhstan');
    expect(card.prompt.text.length).toBeGreaterThan(0);
    const message = quoteMessage(card, { kind: 'quote' });
    expect(message.content).toBeUndefined();
    expect(message.allowedMentions).toEqual({ parse: [] });
    const body = expectWithinLimits(message);
    expect((body.embeds![0] as { footer: { text: string } }).footer.text).toMatch(/^former-kazakhstan:\d+/);
  });

  it('GIVEN an interview quote THEN the card and the message say who speaks: standfirst, journalist or Isenov', async () => {
    const speakers = new Map<number, string>();
    const interview = quotes.filter((quote) => quote.articleId === 'former-kazakhstan');
    // A server with no posts yet: /quote draws from all the interview's quotes but the next daily one.
    for (let index = 0; index < interview.length - 1; index++) {
      const service = createQuoteService({ library: ctx.library, settings: ctx.settings, rotations, random: picking(index, interview.length - 1) });
      const card = await service.random('100000000000000077', 'former-kazakhstan', acknowledged);
      speakers.set(card.quote.paragraph, card.speaker!);
      expect((expectWithinLimits(quoteMessage(card, { kind: 'quote' })).embeds![0] as { description: string }).description).toMatch(new RegExp(`\\n— ${card.speaker!.replace(/'/g, "\\\\?'")}$`));
    }
    expect(speakers.get(1)).toBe("the editors' standfirst");
    expect(speakers.get(2)).toBe('the journalist');
    expect(speakers.get(9)).toBe('Marat Isenov');
    const column = await ctx.quote.random(GUILD, 'why-putin-interferes', acknowledged);
    expect(column.speaker).toBeUndefined();
  });

  it('GIVEN quotes the daily post has posted THEN /quote offers only the others, never the next daily quote, and leaves the rotation as it was', async () => {
    const guild = '100000000000000002';
    const posted = quotes.slice(0, quotes.length - 5).map((quote) => quote.id);
    const rotation = { cycle: 3, used: posted, prompts: [] };
    await rotations.save(guild, rotation);
    const next = nextInRotation(quotes, rotation, guild).quote;
    const offered = new Set<string>();
    for (let index = 0; index < 4; index++) {
      const service = createQuoteService({ library: ctx.library, settings: ctx.settings, rotations, random: picking(index, 4) });
      offered.add((await service.random(guild, undefined, acknowledged)).quote.id);
    }
    const unposted = quotes.slice(-5).map((quote) => quote.id);
    expect([...offered].every((id) => unposted.includes(id))).toBe(true);
    expect(offered.has(next.id)).toBe(false);
    expect(offered.size).toBe(4);
    expect(await rotations.get(guild)).toEqual(rotation);
  });

  it('GIVEN every quote of an article posted THEN /quote still gives one of that article', async () => {
    const guild = '100000000000000003';
    await rotations.save(guild, { cycle: 0, used: quotes.filter((quote) => quote.articleId === 'former-kazakhstan').map((quote) => quote.id), prompts: [] });
    expect((await ctx.quote.random(guild, 'former-kazakhstan', acknowledged)).quote.articleId).toBe('former-kazakhstan');
  });

  it("GIVEN the server's recent prompts THEN /quote gives another prompt that fits the quote", async () => {
    const guild = '100000000000000004';
    const quote = quotes.find((candidate) => candidate.text.includes('CSTO troops'))!;
    const [tied] = promptTiers(shipped.prompts, quote, 'mixed');
    expect(tied!.length).toBeGreaterThan(1);
    const only = quotes.filter((candidate) => candidate.articleId === quote.articleId);
    const pick = () => createQuoteService({ library: ctx.library, settings: ctx.settings, rotations, random: picking(only.indexOf(quote), only.length) }).random(guild, quote.articleId, acknowledged);
    await rotations.save(guild, { cycle: 0, used: [], prompts: tied!.slice(1).map((prompt) => prompt.id) });
    expect((await pick()).prompt).toBe(tied![0]);
  });

  it('GIVEN an unknown article THEN a UserError names the nearest', async () => {
    await expect(ctx.quote.random(GUILD, 'no-such-article', acknowledged)).rejects.toThrow(UserError);
    await expect(ctx.quote.random(GUILD, 'why-putin', acknowledged)).rejects.toThrow(/did you mean `why-putin-interferes`/);
  });

  it('GIVEN an article with no sentence short enough THEN a clear message', async () => {
    const long = parseArticle('long.md', `---\nid: long-read\ntitle: Long\nkind: essay\n---\n${'word '.repeat(100)}end.\n`);
    const corpus = buildCorpus([...shipped.corpus.articles, long]);
    const library = shippedLibrary({ ...shipped, corpus, quotes: extractQuotes(corpus), prompts: builtInPrompts() });
    const service = createQuoteService({ library, settings: ctx.settings, rotations });
    await expect(service.random(GUILD, 'long-read', acknowledged)).rejects.toThrow('That article has no sentence short enough to quote.');
  });
});
