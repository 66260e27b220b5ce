/** A sentence as a span of its paragraph: `text.slice(start, end)`, trimmed, never cut mid-word. */
export interface SentenceSpan {
  start: number;
  end: number;
}

// ICU's sentence rules (Intl.Segmenter, built into Node) do most of the work; the
// fixes below are for what this verbatim, translated text does that ICU misreads.
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Words that end in a full stop without ending the sentence (`St. Petersburg`, `Bush Jr. and`). */
const ABBREVIATION = /(?:^|[\s(“"‘'])(?:St|Jr|Sr|Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|Mt|No|Nos|vs|etc|approx|Inc|Ltd|Co|Corp|Dept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|i\.e|e\.g|[A-Z])\.$/;
/** An ellipsis that a new sentence follows: `Russia … His sister`, `beast… He defended`. */
const ELLIPSIS_BREAK = /(?:…|\.{2,})(?=\s+[“"‘'(«]?\p{Lu})/gu;
/** A full stop with the space missing before the next sentence: `protection.But`. */
const MISSING_SPACE = /\p{Ll}[.!?][”"’)]?(?=\p{Lu})/gu;
/** A sentence that starts in lower case continues the one before it: `affairs?despite the fact`. */
const STARTS_LOWER = /^[\s“"‘'(«]*\p{Ll}/u;
/** The dash that opens an interview answer is not part of the sentence. */
const OPENING_DASH = /^[–—-]\s+/;
/** A stray full stop after the sentence's own end: `formal slavery. .` */
const DOUBLED_STOP = /([.!?…])\s+\.$/;
const LEADING_ELLIPSIS = /^(?:…|\.{2,})\s*/;

/** Splits a paragraph into its sentences, as spans of the paragraph's own text. */
export function splitSentences(text: string): SentenceSpan[] {
  const cuts = new Set<number>();
  for (const { index } of segmenter.segment(text)) cuts.add(index);
  for (const match of text.matchAll(ELLIPSIS_BREAK)) cuts.add(match.index + match[0].length);
  for (const match of text.matchAll(MISSING_SPACE)) cuts.add(match.index + match[0].length);
  const bounds = [...cuts].filter((cut) => cut > 0 && cut < text.length).sort((a, b) => a - b);

  // Raw pieces between cuts, then merged where a cut was not a sentence end.
  const pieces: SentenceSpan[] = [];
  let from = 0;
  for (const cut of [...bounds, text.length]) {
    pieces.push({ start: from, end: cut });
    from = cut;
  }
  const merged: SentenceSpan[] = [];
  for (const piece of pieces) {
    const previous = merged.at(-1);
    const body = text.slice(piece.start, piece.end);
    // `Russia.… Undoubtedly`: the ellipsis closes the sentence before it.
    const lead = LEADING_ELLIPSIS.exec(body);
    if (previous && lead && lead[0].length < body.length) {
      previous.end = piece.start + lead[0].length;
      piece.start += lead[0].length;
    }
    const joins =
      previous !== undefined &&
      (ABBREVIATION.test(text.slice(previous.start, previous.end).trimEnd()) ||
        STARTS_LOWER.test(text.slice(piece.start, piece.end)) ||
        text.slice(piece.start, piece.end).trim() === '' ||
        /^[\s.…]*$/.test(text.slice(piece.start, piece.end)));
    if (joins) previous.end = piece.end;
    else merged.push({ ...piece });
  }
  return merged.map((span) => tidy(text, span)).filter((span) => span.end > span.start);
}

/** Trims spaces, the answer dash and a doubled full stop, keeping the span inside the text. */
function tidy(text: string, span: SentenceSpan): SentenceSpan {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const dash = OPENING_DASH.exec(text.slice(start, end));
  if (dash) start += dash[0].length;
  const doubled = DOUBLED_STOP.exec(text.slice(start, end));
  if (doubled) end = start + doubled.index + 1;
  return { start, end };
}
