import type { Corpus } from '../corpus.js';
import { formatRef, resolveReference } from '../references.js';
import type { SearchIndex } from '../search.js';
import { clip } from './text.js';

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
  return { ref: formatRef(range.article.id, range.from, range.to), title: range.article.title, text: clip(text, MAX_QUOTE) };
}

/**
 * Choices for the `ref` option while typing: matching passages, each named by its
 * reference and opening words. Stands in until the passage command's autocomplete is shared.
 */
export function refChoices(corpus: Corpus, search: SearchIndex, typed: string): Array<{ name: string; value: string }> {
  const query = typed.trim();
  const refs = query === '' ? corpus.passages.slice(0, 25).map((passage) => passage.ref) : search.search(query, { limit: 25 }).map((hit) => hit.ref);
  const byRef = new Map(corpus.passages.map((passage) => [passage.ref, passage]));
  return refs.flatMap((ref) => {
    const passage = byRef.get(ref);
    return passage ? [{ name: clip(`${ref} — ${passage.text.replace(/\s+/g, ' ')}`, 100), value: ref }] : [];
  });
}
