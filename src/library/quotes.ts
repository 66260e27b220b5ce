import type { Corpus, Passage } from './corpus.js';
import { splitSentences, type SentenceSpan } from './sentences.js';

/** One to three whole consecutive sentences of one paragraph, exactly as they stand in it. */
export interface Quote {
  /** Stable while the paragraph's text is unchanged: `<ref>@<offset>`. */
  id: string;
  /** The paragraph's reference, e.g. `former-kazakhstan:9`. */
  ref: string;
  articleId: string;
  paragraph: number;
  /** `paragraph.text.slice(start, start + text.length)`. */
  text: string;
  start: number;
  sentences: number;
}

export const QUOTE_MAX_CHARS = 300;
const QUOTE_MAX_SENTENCES = 3;
/** A quote grows by another sentence while it is shorter than this, so few quotes are a bare phrase. */
const QUOTE_COMFORT_CHARS = 120;
/** A last piece of a paragraph shorter than this joins the quote before it when it fits. */
const QUOTE_SHORT_TAIL = 60;

/**
 * Quotes for the daily post from every paragraph. Each paragraph's sentences are
 * taken in order and grouped, without overlap, into quotes of one to three
 * sentences and at most 300 characters, so a rotation through all quotes never
 * shows the same sentence twice. A sentence over 300 characters is never cut: it
 * yields no quote, and a paragraph of only such sentences yields none.
 */
export function extractQuotes(corpus: Corpus): Quote[] {
  return corpus.passages.flatMap(quotesOfPassage);
}

function quotesOfPassage(passage: Passage): Quote[] {
  const sentences = splitSentences(passage.text);
  const groups: SentenceSpan[][] = [];
  let i = 0;
  while (i < sentences.length) {
    if (length(sentences[i]!) > QUOTE_MAX_CHARS) {
      i++;
      continue;
    }
    const group = [sentences[i]!];
    while (group.length < QUOTE_MAX_SENTENCES && span(group) < QUOTE_COMFORT_CHARS) {
      const next = sentences[i + group.length];
      if (!next || span([...group, next]) > QUOTE_MAX_CHARS) break;
      group.push(next);
    }
    const previous = groups.at(-1);
    const adjacent = previous !== undefined && sentences.indexOf(previous.at(-1)!) === i - 1;
    if (adjacent && span(group) < QUOTE_SHORT_TAIL && previous.length + group.length <= QUOTE_MAX_SENTENCES && span([...previous, ...group]) <= QUOTE_MAX_CHARS) {
      previous.push(...group);
    } else {
      groups.push(group);
    }
    i += group.length;
  }
  return groups.map((group) => {
    const start = group[0]!.start;
    return {
      id: `${passage.ref}@${start}`,
      ref: passage.ref,
      articleId: passage.articleId,
      paragraph: passage.paragraph,
      text: passage.text.slice(start, group.at(-1)!.end),
      start,
      sentences: group.length,
    };
  });
}

/** Paragraphs that give no quote: each of their sentences is longer than 300 characters. */
export function passagesWithoutQuotes(corpus: Corpus, quotes: Quote[] = extractQuotes(corpus)): Passage[] {
  const quoted = new Set(quotes.map((quote) => quote.ref));
  return corpus.passages.filter((passage) => !quoted.has(passage.ref));
}

/** Quote counts per article id, for `npm run corpus:check`. */
export function quoteCounts(quotes: Quote[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const quote of quotes) counts.set(quote.articleId, (counts.get(quote.articleId) ?? 0) + 1);
  return counts;
}

function length(sentence: SentenceSpan): number {
  return sentence.end - sentence.start;
}

function span(group: SentenceSpan[]): number {
  return group.at(-1)!.end - group[0]!.start;
}
