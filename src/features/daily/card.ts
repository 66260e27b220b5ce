import type { Article } from '../../library/corpus.js';
import type { GuildLibrary } from '../../library/library.js';
import { choosePrompt, type Prompt, type PromptStyleChoice } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';

/** A quote with the prompt chosen for it and the article it comes from: what the daily post and /quote show. */
export interface QuoteCard {
  quote: Quote;
  prompt: Prompt;
  article: Article;
}

/** The card of a quote of the server's library, its prompt in the server's style; `seed` picks among equal prompts. */
export function quoteCard(library: GuildLibrary, quote: Quote, style: PromptStyleChoice, seed: string): QuoteCard {
  return { quote, prompt: choosePrompt(library.prompts, quote, style, seed), article: library.corpus.byId.get(quote.articleId)! };
}
