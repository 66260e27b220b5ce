const WORD = /[\p{L}\p{N}'’]+/gu;

/** A piece of a snippet: plain text, or a word the search matched. */
interface SnippetPart {
  text: string;
  match: boolean;
}

/** A window of a passage: its pieces in order, and whether text was cut before or after it. */
export interface Snippet {
  parts: SnippetPart[];
  cutBefore: boolean;
  cutAfter: boolean;
}

/**
 * A window of `text` about `width` characters wide around the first matched word, with
 * every matched word marked. `isMatch` says whether a word's normalised form was matched
 * by the search. The view decides how a mark looks.
 */
export function snippet(text: string, isMatch: (word: string) => boolean, width = 240): Snippet {
  const marks: Array<[number, number]> = [];
  for (const match of text.matchAll(WORD)) {
    if (isMatch(match[0])) marks.push([match.index, match.index + match[0].length]);
  }
  const first = marks[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + width);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;

  const parts: SnippetPart[] = [];
  let cursor = start;
  for (const [from, to] of marks) {
    if (to <= start || from >= end) continue;
    parts.push({ text: text.slice(cursor, from), match: false }, { text: text.slice(from, to), match: true });
    cursor = to;
  }
  parts.push({ text: text.slice(cursor, end), match: false });
  return { parts, cutBefore: start > 0, cutAfter: end < text.length };
}
