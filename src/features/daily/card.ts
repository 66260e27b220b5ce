import { speakerOf, type Article } from '../../library/corpus.js';
import type { GuildLibrary } from '../../library/library.js';
import { choosePrompt, type Prompt, type PromptHistory, type PromptStyleChoice } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';

/** A quote with the prompt chosen for it and the article it comes from: what the daily post and /quote show. */
export interface QuoteCard {
  quote: Quote;
  prompt: Prompt;
  article: Article;
  /** Who speaks in the quote's paragraph, when the article says (an interview's standfirst, journalist, interviewee). */
  speaker?: string;
}

/** The card of a quote of the server's library, its prompt chosen in the server's style (see choosePrompt). */
export function quoteCard(library: GuildLibrary, quote: Quote, style: PromptStyleChoice, seed: string, history: PromptHistory = {}): QuoteCard {
  const article = library.corpus.byId.get(quote.articleId)!;
  const speaker = speakerOf(article, quote.paragraph);
  return { quote, prompt: choosePrompt(library.prompts, quote, style, seed, history), article, ...(speaker === undefined ? {} : { speaker }) };
}
