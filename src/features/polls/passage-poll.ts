import type { Corpus } from '../../library/corpus.js';
import { formatRef, resolveReference } from '../../library/references.js';
import { truncate } from '../../lib/ui/limits.js';

const MAX_QUOTE = 1_500;
export const PASSAGE_QUESTION = 'Do you agree with this passage?';
export const PASSAGE_OPTIONS = 'Agree | Disagree | Unsure';

export interface PassageQuote {
  ref: string;
  title: string;
  text: string;
}

/** The passage a `/poll passage` quotes, cut to fit the poll message; a bad reference throws a UserError. */
export function quotePassage(corpus: Corpus, ref: string): PassageQuote {
  const range = resolveReference(corpus, ref);
  const text = range.passages.map((passage) => passage.text).join('\n\n');
  return { ref: formatRef(range.article.id, range.from, range.to), title: range.article.title, text: truncate(text, MAX_QUOTE) };
}
