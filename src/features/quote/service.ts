import type { Library } from '../../library/library.js';
import { UserError } from '../../lib/errors.js';
import { quoteCard, type QuoteCard } from '../daily/card.js';
import { notYetPosted } from '../daily/rotation.js';
import type { RotationStore } from '../daily/store.js';
import { checkArticleId } from '../passage/service.js';
import type { Settings } from '../settings/service.js';

interface QuoteDeps {
  library: Library;
  settings: { get(guildId: string): Promise<Pick<Settings, 'prompt_style'>> };
  /** The daily post's rotation, read and never written: /quote does not use up the daily's quotes. */
  rotations: Pick<RotationStore, 'get'>;
  /** A number in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export type QuoteService = ReturnType<typeof createQuoteService>;

/**
 * `/quote`: a quote the server has not discussed yet, with its prompt. It draws at random
 * from the quotes the daily post has not posted in its current cycle, less the one it
 * posts next, so a member gets something new without giving away tomorrow's post; and
 * it avoids the prompts of the server's last daily posts. A member asking again gets
 * another quote, which a fixed order could not give without writing the rotation, and
 * writing it would take quotes from the daily post.
 */
export function createQuoteService({ library, settings, rotations, random = Math.random }: QuoteDeps) {
  return {
    /**
     * A quote (of one article, if given) with its prompt in the server's style, and its
     * article. A bad article is refused before `acknowledge` is called, the rotation read after it.
     */
    async random(guildId: string, articleId: string | null | undefined, acknowledge: () => Promise<unknown>): Promise<QuoteCard> {
      const shelf = await library.forGuild(guildId);
      const { corpus, quotes } = shelf;
      const only = checkArticleId(corpus, articleId);
      const fitting = only ? quotes.filter((quote) => quote.articleId === only) : quotes;
      if (fitting.length === 0) throw new UserError('That article has no sentence short enough to quote.');
      await acknowledge();
      const rotation = await rotations.get(guildId);
      const pool = notYetPosted(quotes, rotation, guildId).filter((quote) => !only || quote.articleId === only);
      const from = pool.length > 0 ? pool : fitting;
      const quote = from[Math.floor(random() * from.length)]!;
      const { prompt_style } = await settings.get(guildId);
      // The seed picks among equally fitting prompts, so two /quote of one quote may differ.
      const seed = Math.floor(random() * 2 ** 32).toString(16);
      return quoteCard(shelf, quote, prompt_style, seed, { recent: rotation.prompts });
    },
  };
}
