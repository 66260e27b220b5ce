import { escapeMarkdown } from 'discord.js';
import { truncate } from '../../lib/ui/limits.js';

const WORD = /[\p{L}\p{N}'’]+/gu;

/**
 * A window of `text` around the first matched word, with every matched word in
 * bold. `isMatch` says whether a word's normalised form was matched by the search.
 */
export function snippet(text: string, isMatch: (word: string) => boolean, width = 240): string {
  const marks: Array<[number, number]> = [];
  for (const match of text.matchAll(WORD)) {
    if (isMatch(match[0])) marks.push([match.index, match.index + match[0].length]);
  }
  const first = marks[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + width);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;

  let out = start > 0 ? '…' : '';
  let cursor = start;
  for (const [from, to] of marks) {
    if (to <= start || from >= end) continue;
    out += escapeMarkdown(text.slice(cursor, from)) + `**${escapeMarkdown(text.slice(from, to))}**`;
    cursor = to;
  }
  out += escapeMarkdown(text.slice(cursor, end)) + (end < text.length ? '…' : '');
  return truncate(out.replace(/\s+/g, ' ').trim(), width * 2);
}
