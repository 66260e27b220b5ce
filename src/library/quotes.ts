import type { Corpus, Passage } from './corpus.js';
import { splitSentences, type SentenceSpan } from './sentences.js';
import { dangles, leansBack } from './stand-alone.js';

/**
 * One to three whole consecutive sentences of one paragraph, exactly as they stand in it;
 * or, for a curated quote (curated-quotes.ts), an excerpt of them with `[…]` marking
 * what is left out.
 */
export interface Quote {
  /** Stable while the paragraph's text is unchanged: `<ref>@<offset>`. */
  readonly id: string;
  /** The paragraph's reference, e.g. `former-kazakhstan:9`. */
  readonly ref: string;
  readonly articleId: string;
  readonly paragraph: number;
  /** `paragraph.text.slice(start, start + text.length)`, but for a curated excerpt. */
  readonly text: string;
  readonly start: number;
  readonly sentences: number;
}

export const QUOTE_MAX_CHARS = 300;
export const QUOTE_MAX_SENTENCES = 3;
/** A quote grows by another sentence while it is shorter than this, so few quotes are a bare phrase. */
const QUOTE_COMFORT_CHARS = 120;
/** A last piece of a paragraph shorter than this joins the quote before it when it fits. */
const QUOTE_SHORT_TAIL = 60;

/** Where a quote stands in its paragraph: `text.slice(start, end)`, of `sentences` whole sentences. */
export interface QuoteSpan {
  start: number;
  end: number;
  sentences: number;
}

/**
 * Quotes for the daily post from every paragraph. Each paragraph's sentences are
 * taken in order and grouped, without overlap, into quotes of one to three
 * sentences and at most 300 characters, so a rotation through all quotes never
 * shows the same sentence twice. A sentence over 300 characters is never cut: it
 * yields no quote, and a paragraph of only such sentences yields none. Every quote
 * stands alone (stand-alone.ts): a sentence that leans on the one before never
 * opens a quote, though it may follow its referent inside one, and a quote never
 * ends on a sentence that needs the next one.
 */
export function extractQuotes(corpus: Corpus): Quote[] {
  return corpus.passages.flatMap((passage) => quoteSpans(passage.text, passage.paragraph === 1).map((span) => quoteAt(passage, span)));
}

/** The quotes of one paragraph's text, as spans (see extractQuotes); `opensArticle` for an article's first paragraph. */
export function quoteSpans(text: string, opensArticle = false): QuoteSpan[] {
  const sentences = splitSentences(text);
  const said = (index: number) => text.slice(sentences[index]!.start, sentences[index]!.end);
  // The sentence at `index` cannot end a quote: it needs what follows.
  const open = (index: number) => dangles(said(index), index + 1 < sentences.length);
  const groups: SentenceSpan[][] = [];
  let i = 0;
  while (i < sentences.length) {
    if (length(sentences[i]!) > QUOTE_MAX_CHARS || leansBack(said(i), opensArticle && i === 0)) {
      i++;
      continue;
    }
    const group = [sentences[i]!];
    while (group.length < QUOTE_MAX_SENTENCES && (span(group) < QUOTE_COMFORT_CHARS || open(i + group.length - 1))) {
      const next = sentences[i + group.length];
      if (!next || span([...group, next]) > QUOTE_MAX_CHARS) break;
      group.push(next);
    }
    while (group.length > 0 && open(i + group.length - 1)) group.pop();
    if (group.length === 0) {
      i++;
      continue;
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
  return groups.map((group) => ({ start: group[0]!.start, end: group.at(-1)!.end, sentences: group.length }));
}

/** The quote of `passage` at `span`; the span must be one quoteSpans gives (at most 300 characters and 3 sentences). */
export function quoteAt(passage: Passage, span: QuoteSpan): Quote {
  return new PassageQuote(passage, span);
}

/**
 * A quote that keeps where it stands, not its text: a corpus has four quotes a paragraph,
 * 217,000 at 50,000 paragraphs, and copies of their texts and ids were 70 MB of heap.
 * Its text is cut from the paragraph's when read, and its id made when asked for. Start,
 * length (at most 300 < 512) and sentences (at most 3 < 4) are one number: two fields a
 * quote instead of four, 3 MB less at 217,000 quotes.
 */
class PassageQuote implements Quote {
  private readonly span: number;

  constructor(
    private readonly passage: Passage,
    { start, end, sentences }: QuoteSpan,
  ) {
    this.span = (start * 512 + (end - start)) * 4 + sentences;
  }

  get start(): number {
    return Math.floor(this.span / 2048);
  }

  get sentences(): number {
    return this.span % 4;
  }

  get id(): string {
    return `${this.passage.ref}@${this.start}`;
  }

  get ref(): string {
    return this.passage.ref;
  }

  get articleId(): string {
    return this.passage.articleId;
  }

  get paragraph(): number {
    return this.passage.paragraph;
  }

  get text(): string {
    const start = this.start;
    return this.passage.text.slice(start, start + (Math.floor(this.span / 4) % 512));
  }
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
