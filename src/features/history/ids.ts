import { customId } from '../../lib/custom-id.js';

/** A page of a passage's history or notes, for one server. */
export interface HistoryPageRef {
  guildId: string;
  articleId: string;
  from: number;
  to: number;
  page: number;
}

// An article id is a slug of at most 60 characters (src/library/corpus.ts).
const ARTICLE = /^[a-z0-9][a-z0-9-]{0,59}$/;
const BASE36 = /^[0-9a-z]{1,13}$/;
const NUMBER = /^[0-9a-z]{1,3}$/;

// The server, paragraphs and page in base 36: a 20-digit snowflake, a 60-character article id
// and a range of 4-digit paragraphs then fit in Discord's 100 characters. Carrying the server
// makes an id shown (or forged) in another server resolve to nothing there.
const short = (n: string | number) => BigInt(n).toString(36);
function long(base36: string): string {
  let value = 0n;
  for (const digit of base36) value = value * 36n + BigInt(Number.parseInt(digit, 36));
  return value.toString();
}

function pageCodec(route: string) {
  return customId<HistoryPageRef>(route, {
    encode: ({ guildId, articleId, from, to, page }) => `${short(guildId)}:${articleId}:${short(from)}${to === from ? '' : `-${short(to)}`}:${short(page)}`,
    decode(rest) {
      const [guild = '', articleId = '', range = '', page = '', ...more] = rest.split(':');
      const [from = '', to = from, ...beyond] = range.split('-');
      if (more.length > 0 || beyond.length > 0 || !BASE36.test(guild) || !ARTICLE.test(articleId) || !NUMBER.test(from) || !NUMBER.test(to) || !NUMBER.test(page)) return undefined;
      return { guildId: long(guild), articleId, from: Number.parseInt(from, 36), to: Number.parseInt(to, 36), page: Number.parseInt(page, 36) };
    },
  });
}

/** The History button under a passage: opens its history privately, at a page. */
export const historyId = pageCodec('passage:hist');

/** Newer / Older of that private history: turns its page. */
export const historyPageId = pageCodec('passage:hpage');

/** Newer / Older of `/note list`. */
export const notesPageId = pageCodec('note:page');
