import type { Library } from '../../library/library.js';
import { UserError } from '../../lib/errors.js';
import { quoteCard, type QuoteCard } from '../daily/card.js';
import { checkArticleId } from '../passage/service.js';
import type { Settings } from '../settings/service.js';

interface QuoteDeps {
  library: Library;
  settings: { get(guildId: string): Promise<Pick<Settings, 'prompt_style'>> };
  /** A number in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export type QuoteService = ReturnType<typeof createQuoteService>;

/** `/quote`: a random quote of the server's library with the prompt chosen for it. */
export function createQuoteService({ library, settings, random = Math.random }: QuoteDeps) {
  return {
    /** A quote (of one article, if given) with its prompt in the server's style, and its article. */
    async random(guildId: string, articleId?: string | null): Promise<QuoteCard> {
      const shelf = await library.forGuild(guildId);
      const { corpus, quotes } = shelf;
      const only = checkArticleId(corpus, articleId);
      const pool = only ? quotes.filter((quote) => quote.articleId === only) : quotes;
      if (pool.length === 0) throw new UserError('That article has no sentence short enough to quote.');
      const quote = pool[Math.floor(random() * pool.length)]!;
      const { prompt_style } = await settings.get(guildId);
      // The seed picks among equally fitting prompts, so two /quote of one quote may differ.
      const seed = Math.floor(random() * 2 ** 32).toString(16);
      return quoteCard(shelf, quote, prompt_style, seed);
    },
  };
}
