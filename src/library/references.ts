import { closest } from 'fastest-levenshtein';
import type { Article, Corpus, Passage } from './corpus.js';
import { UserError } from '../lib/errors.js';
import { quoteInput } from '../lib/ui/limits.js';

export interface PassageRange {
  article: Article;
  from: number;
  to: number;
  passages: Passage[];
}

const REFERENCE = /^\s*([a-z0-9-]+)\s*:\s*(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?\s*$/i;

export function formatRef(articleId: string, from: number, to = from): string {
  return from === to ? `${articleId}:${from}` : `${articleId}:${from}-${to}`;
}

/**
 * Resolves `article:n` or `article:from-to`. A bad reference throws a UserError
 * that names the nearest valid references, so the reader can try again at once.
 */
export function resolveReference(corpus: Corpus, input: string): PassageRange {
  const match = REFERENCE.exec(input);
  if (!match) {
    const guess = corpus.articles.length > 0 ? closest(input.trim().toLowerCase(), [...corpus.byId.keys()]) : undefined;
    const example = guess ? ` For example: \`${guess}:1\` or \`${guess}:1-2\`.` : '';
    throw new UserError(`\`${quoteInput(input)}\` is not a passage reference: write \`<article>:<paragraph>\` or \`<article>:<from>-<to>\`.${example}`);
  }
  const [, rawId, rawFrom, rawTo] = match;
  const id = rawId!.toLowerCase();
  const article = corpus.byId.get(id);
  if (!article) {
    const guess = closest(id, [...corpus.byId.keys()]);
    throw new UserError(`There is no article \`${quoteInput(id)}\`. Did you mean \`${guess}:${rawFrom}\`? \`/articles\` lists them all.`);
  }
  const count = article.paragraphs.length;
  const from = Number(rawFrom);
  const to = rawTo === undefined ? from : Number(rawTo);
  if (from < 1 || to < 1 || from > count || to > count) {
    throw new UserError(
      `\`${article.id}\` has paragraphs 1 to ${count}, so \`${quoteInput(input.trim())}\` is out of range. Try \`${article.id}:${Math.min(Math.max(from, 1), count)}\` or \`${formatRef(article.id, 1, count)}\`.`,
    );
  }
  if (to < from) throw new UserError(`A range runs forwards: try \`${formatRef(article.id, to, from)}\`.`);
  return { article, from, to, passages: article.paragraphs.slice(from - 1, to) };
}
