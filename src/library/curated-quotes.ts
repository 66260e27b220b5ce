import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CorpusError, type Corpus, type Passage } from './corpus.js';
import { QUOTE_MAX_CHARS, QUOTE_MAX_SENTENCES, type Quote } from './quotes.js';
import { splitSentences } from './sentences.js';
import { parseYamlList } from './yaml-file.js';

const QUOTES_FILE = 'quotes.yaml';
/** Marks what a curated quote leaves out of a long sentence; the text's own `…` is kept as it stands. */
export const OMISSION = '[…]';

const quoteSchema = z.strictObject({
  ref: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*:\d+$/, 'should be one paragraph, like "former-kazakhstan:5"'),
  text: z.string().trim().min(1).max(QUOTE_MAX_CHARS, `is longer than ${QUOTE_MAX_CHARS} characters`),
});
const quotesFileSchema = z.strictObject({ quotes: z.array(quoteSchema).min(1, 'should list at least one quote') });

export interface QuoteSet {
  /** The curated quotes file, or `undefined` when the corpus folder has none. */
  file: string | undefined;
  /** Ids of the articles whose quotes are curated. */
  curated: Set<string>;
  quotes: Quote[];
}

/** A curated quote: whole sentences, or an excerpt of them with `[…]` where words are left out. */
class CuratedQuote implements Quote {
  readonly id: string;
  readonly ref: string;
  readonly articleId: string;
  readonly paragraph: number;

  constructor(
    passage: Passage,
    readonly text: string,
    readonly start: number,
    readonly sentences: number,
  ) {
    this.ref = passage.ref;
    this.articleId = passage.articleId;
    this.paragraph = passage.paragraph;
    this.id = `${passage.ref}@${start}`;
  }
}

/**
 * The quotes a library shows: `quotes.yaml` of the corpus folder, checked verbatim against
 * the paragraphs, for the articles it covers, and `extracted` (the automatic ones) for the
 * others. Without the file, `extracted` as it is. A bad file throws a CorpusError.
 */
export async function loadQuotes(corpusDir: string, corpus: Corpus, extracted: Quote[]): Promise<QuoteSet> {
  const file = path.join(corpusDir, QUOTES_FILE);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: undefined, curated: new Set(), quotes: extracted };
    throw new CorpusError(file, `cannot be read (${(error as Error).message})`);
  }
  const curated = parseCuratedQuotes(file, source, corpus);
  const covered = new Set(curated.map((quote) => quote.articleId));
  return { file, curated: covered, quotes: [...extracted.filter((quote) => !covered.has(quote.articleId)), ...curated] };
}

/** Parses a quotes file and checks every quote against its paragraph. */
export function parseCuratedQuotes(file: string, source: string, corpus: Corpus): Quote[] {
  const data = parseYamlList(file, source, quotesFileSchema, 'quote');
  const seen = new Set<string>();
  return data.quotes.map(({ ref, text }, index) => {
    const where = `quote ${index + 1} (${ref})`;
    const [articleId, paragraph] = ref.split(':') as [string, string];
    const passage = corpus.byId.get(articleId)?.paragraphs[Number(paragraph) - 1];
    if (!passage) throw new CorpusError(file, `${where} names a paragraph that is not in the corpus`);
    const found = locate(passage.text, text);
    if (typeof found === 'string') throw new CorpusError(file, `${where} ${found}`);
    const quote = new CuratedQuote(passage, text, found.start, found.sentences);
    if (seen.has(quote.id)) throw new CorpusError(file, `${where} starts where another quote of that paragraph starts`);
    seen.add(quote.id);
    return quote;
  });
}

/**
 * Where a curated quote stands in its paragraph: each piece between `[…]` marks is found
 * verbatim, in order, with something left out between two pieces; the quote starts at
 * a sentence's start unless it opens with the mark, and ends at a sentence's end unless
 * it closes with it. A string says what is wrong.
 */
function locate(paragraph: string, text: string): { start: number; sentences: number } | string {
  const pieces = text.split(OMISSION).map((piece) => piece.trim());
  const opensCut = pieces[0] === '';
  const closesCut = pieces.at(-1) === '';
  const kept = pieces.filter((piece) => piece !== '');
  if (kept.length === 0) return 'has no text besides the omission marks';
  const sentences = splitSentences(paragraph);
  const spans: Array<{ start: number; end: number }> = [];
  let from = 0;
  for (const piece of kept) {
    const start = paragraph.indexOf(piece, from);
    if (start < 0) {
      const anywhere = paragraph.includes(piece);
      return `is not verbatim: "${piece.slice(0, 60)}" is ${anywhere ? 'out of order' : 'not in the paragraph'}`;
    }
    if (spans.length > 0 && paragraph.slice(from, start).trim() === '') return `marks an omission ${OMISSION} where nothing is left out, before "${piece.slice(0, 40)}"`;
    spans.push({ start, end: start + piece.length });
    from = start + piece.length;
  }
  const first = spans[0]!;
  const last = spans.at(-1)!;
  if (!opensCut && !sentences.some((sentence) => sentence.start === first.start)) return `does not start at a sentence's start: open it with ${OMISSION}`;
  if (!closesCut && !sentences.some((sentence) => sentence.end === last.end)) return `does not end at a sentence's end: close it with ${OMISSION}`;
  const touched = sentences.filter((sentence) => spans.some((span) => span.start < sentence.end && span.end > sentence.start)).length;
  if (touched > QUOTE_MAX_SENTENCES) return `has ${touched} sentences; a quote has at most ${QUOTE_MAX_SENTENCES}`;
  return { start: first.start, sentences: touched };
}
