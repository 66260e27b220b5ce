import { afterAll, describe, expect, it } from 'vitest';
import { quoteMessage } from '../../../src/features/daily/views.js';
import { createQuoteService } from '../../../src/features/quote/service.js';
import { buildCorpus, parseArticle } from '../../../src/library/corpus.js';
import { shippedLibrary } from '../../../src/library/library.js';
import { builtInPrompts } from '../../../src/library/prompts.js';
import { extractQuotes } from '../../../src/library/quotes.js';
import { UserError } from '../../../src/lib/errors.js';
import { libContext, shippedCorpus } from '../../helpers/context.js';
import { expectWithinLimits } from '../../helpers/payload.js';

const GUILD = '100000000000000001';
const ctx = await libContext();
afterAll(() => ctx.cleanup());
const { quotes } = await shippedCorpus();

/** A `random` that picks the quote at `index` of a pool of `size`, then any seed. */
const picking = (index: number, size: number) => {
  const values = [(index + 0.5) / size, 0.25];
  return () => values.shift() ?? 0.5;
};

describe('/quote', () => {
  it('GIVEN an article THEN a quote of it with a prompt, in the daily post format, pinging nobody', async () => {
    const card = await ctx.quote.random(GUILD, 'former-kazakhstan');
    expect(card.quote.articleId).toBe('former-kazakhstan');
    expect(card.article.id).toBe('former-kazakhstan');
    expect(card.prompt.text.length).toBeGreaterThan(0);
    const message = quoteMessage(card, { kind: 'quote' });
    expect(message.content).toBeUndefined();
    expect(message.allowedMentions).toEqual({ parse: [] });
    const body = expectWithinLimits(message);
    expect((body.embeds![0] as { footer: { text: string } }).footer.text).toMatch(/^former-kazakhstan:\d+/);
  });

  it('GIVEN no article THEN any quote of the library can come', async () => {
    const last = quotes.length - 1;
    const service = createQuoteService({ library: ctx.library, settings: ctx.settings, random: picking(last, quotes.length) });
    expect((await service.random(GUILD)).quote).toEqual(quotes[last]);
  });

  it('GIVEN an unknown article THEN a UserError names the nearest', async () => {
    await expect(ctx.quote.random(GUILD, 'no-such-article')).rejects.toThrow(UserError);
    await expect(ctx.quote.random(GUILD, 'why-putin')).rejects.toThrow(/did you mean `why-putin-interferes`/);
  });

  it('GIVEN an article with no sentence short enough THEN a clear message', async () => {
    const shipped = await shippedCorpus();
    const long = parseArticle('long.md', `---\nid: long-read\ntitle: Long\nkind: essay\n---\n${'word '.repeat(100)}end.\n`);
    const corpus = buildCorpus([...shipped.corpus.articles, long]);
    const library = shippedLibrary({ ...shipped, corpus, quotes: extractQuotes(corpus), prompts: builtInPrompts() });
    const service = createQuoteService({ library, settings: ctx.settings });
    await expect(service.random(GUILD, 'long-read')).rejects.toThrow('That article has no sentence short enough to quote.');
  });

  it("GIVEN prompt_style critical or reflective THEN /quote's prompts are of that style", async () => {
    const styles = async () => {
      const seen = new Set<string>();
      for (const [index, quote] of quotes.entries()) {
        const pool = quotes.filter((other) => other.articleId === quote.articleId);
        const service = createQuoteService({ library: ctx.library, settings: ctx.settings, random: picking(pool.indexOf(quote), pool.length) });
        const card = await service.random(GUILD, quote.articleId);
        expect(card.quote, `quote ${index}`).toEqual(quote);
        seen.add(card.prompt.style);
      }
      return seen;
    };
    await ctx.settings.update(GUILD, { prompt_style: 'reflective' });
    expect(await styles()).toEqual(new Set(['reflective']));
    await ctx.settings.update(GUILD, { prompt_style: 'critical' });
    expect(await styles()).toEqual(new Set(['critical']));
  });
});
