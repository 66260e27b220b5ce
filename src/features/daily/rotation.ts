import { UserError } from '../../lib/errors.js';
import type { Rotation } from './store.js';
import { hash, type Prompt } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';

/** No prompt comes back within this many posts of a server while another fits (SPEC section 14). */
export const PROMPT_MEMORY = 14;

interface RotationPick {
  quote: Quote;
  /** The rotation once this quote is posted (its prompt is added by rememberPrompt). */
  after: Rotation;
}

/**
 * The server's next quote: none repeats until every quote has been posted, then a
 * new cycle begins. The order is a shuffle fixed by the server and the cycle, so the
 * pick is the same until it is posted (the preview shows what will be posted).
 */
export function nextInRotation(quotes: Quote[], rotation: Rotation, guildId: string): RotationPick {
  // A server that hides the shipped articles (shipped_articles: false) may have added none with a quotable sentence.
  if (quotes.length === 0) throw new UserError("This server's library has no sentence short enough to quote: add an article with `/library add`, or show the shipped articles again with `/settings set shipped_articles:true`.");
  const used = new Set(rotation.used);
  let cycle = rotation.cycle;
  let pool = quotes.filter((quote) => !used.has(quote.id));
  if (pool.length === 0) {
    cycle += 1;
    used.clear();
    pool = quotes;
  }
  // The rank is hash(`guild:cycle:id`); the prefix is hashed once, not once per quote (217,000 at 50,000 paragraphs).
  const prefix = hash(`${guildId}:${cycle}:`);
  let best = pool[0]!;
  let bestRank = hash(best.id, prefix);
  for (const quote of pool) {
    const rank = hash(quote.id, prefix);
    if (rank < bestRank) {
      best = quote;
      bestRank = rank;
    }
  }
  return { quote: best, after: { cycle, used: [...used, best.id], prompts: rotation.prompts } };
}

/** The rotation with `prompt` as the latest posted, keeping the last PROMPT_MEMORY. */
export function rememberPrompt(rotation: Rotation, prompt: Prompt): Rotation {
  return { ...rotation, prompts: [...rotation.prompts.filter((id) => id !== prompt.id), prompt.id].slice(-PROMPT_MEMORY) };
}

/**
 * The quotes the daily post has not posted in this cycle, less the one it posts next
 * (so /quote does not give away the next post); all quotes when that leaves none.
 */
export function notYetPosted(quotes: Quote[], rotation: Rotation, guildId: string): Quote[] {
  if (quotes.length === 0) return quotes;
  const used = new Set(rotation.used);
  const next = nextInRotation(quotes, rotation, guildId).quote;
  const pool = quotes.filter((quote) => !used.has(quote.id) && quote !== next);
  return pool.length > 0 ? pool : quotes;
}
