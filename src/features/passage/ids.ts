import { customId } from '../../lib/custom-id.js';

const SESSION = /^[A-Za-z0-9_-]{1,40}$/;
// An article id is a slug of at most 60 characters (src/library/corpus.ts).
const ARTICLE = /^[a-z0-9][a-z0-9-]{0,59}$/;
const REFERENCE = /^[a-z0-9][a-z0-9-]{0,59}:\d{1,4}(?:-\d{1,4})?$/;

/** "Read the whole passage": opens a reference privately (the daily post and /quote carry it). */
export const showId = customId<string>('passage:show', {
  encode: (ref) => ref,
  decode: (ref) => (REFERENCE.test(ref) ? ref : undefined),
});

/**
 * Previous / next paragraph of a shown passage; a Next that continues a range cut short
 * carries the range's end. The direction keeps the two buttons' ids distinct.
 */
export const navId = customId<{ articleId: string; paragraph: number; to?: number; direction: 'prev' | 'next' }>('passage:nav', {
  encode: ({ articleId, paragraph, to, direction }) => `${articleId}:${paragraph}${to === undefined ? '' : `-${to}`}:${direction}`,
  decode(rest) {
    const [articleId = '', place = '', direction] = rest.split(':');
    const [, paragraph, to] = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(place) ?? [];
    if (!ARTICLE.test(articleId) || paragraph === undefined || (direction !== 'prev' && direction !== 'next')) return undefined;
    return { articleId, paragraph: Number(paragraph), ...(to !== undefined && { to: Number(to) }), direction };
  },
});

/** The menu of an article's paragraphs under a shown passage: its value is the paragraph to go to. */
export const gotoId = customId<string>('passage:goto', {
  encode: (articleId) => articleId,
  decode: (articleId) => (ARTICLE.test(articleId) ? articleId : undefined),
});

/** Previous / next page of a stored search. */
export const pageId = customId<{ sessionId: string; page: number; direction: 'prev' | 'next' }>('passage:page', {
  encode: ({ sessionId, page, direction }) => `${sessionId}:${page}:${direction}`,
  decode(rest) {
    const [sessionId = '', page = '', direction] = rest.split(':');
    if (!SESSION.test(sessionId) || !/^\d{1,4}$/.test(page) || (direction !== 'prev' && direction !== 'next')) return undefined;
    return { sessionId, page: Number(page), direction };
  },
});

/** The select menu of a search page: its value is the reference to open. */
export const pickId = customId<string>('passage:pick', {
  encode: (sessionId) => sessionId,
  decode: (sessionId) => (SESSION.test(sessionId) ? sessionId : undefined),
});
