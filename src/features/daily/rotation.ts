import type { Rotation } from './store.js';
import { hash } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';

interface RotationPick {
  quote: Quote;
  /** The rotation once this quote is posted. */
  after: Rotation;
}

/**
 * The server's next quote: none repeats until every quote has been posted, then a
 * new cycle begins. The order is a shuffle fixed by the server and the cycle, so the
 * pick is the same until it is posted (the preview shows what will be posted).
 */
export function nextInRotation(quotes: Quote[], rotation: Rotation, guildId: string): RotationPick {
  if (quotes.length === 0) throw new Error('the corpus has no quotes');
  const used = new Set(rotation.used);
  let cycle = rotation.cycle;
  let pool = quotes.filter((quote) => !used.has(quote.id));
  if (pool.length === 0) {
    cycle += 1;
    used.clear();
    pool = quotes;
  }
  let best = pool[0]!;
  let bestRank = hash(`${guildId}:${cycle}:${best.id}`);
  for (const quote of pool) {
    const rank = hash(`${guildId}:${cycle}:${quote.id}`);
    if (rank < bestRank) {
      best = quote;
      bestRank = rank;
    }
  }
  return { quote: best, after: { cycle, used: [...used, best.id] } };
}
