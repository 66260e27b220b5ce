import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import type { Article, Corpus, Passage } from '../../library/corpus.js';
import type { Library } from '../../library/library.js';
import { articlesNamed, completeReference, formatRef, resolveReference, type PassageRange } from '../../library/references.js';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import { LIMITS, quoteInput } from '../../lib/ui/limits.js';
import type { SearchHit, SearchIndex } from '../../search/engine.js';
import { inOtherScript } from '../../search/script.js';
import type { SpellingsService } from '../spellings/service.js';
import type { SearchSessions } from './sessions.js';

/** The most matches one search keeps: a select menu holds 25. */
const MAX_RESULTS = 25;

const querySchema = z
  .string()
  .trim()
  .min(1, { error: 'needs at least one word to look for' })
  .transform((query) => query.slice(0, 500));

const refSchema = z.string().trim().min(1, { error: 'needs a reference such as `former-kazakhstan:2`' });

const REF_SHAPE = /^\s*[a-z0-9-]+\s*:\s*\d/i;
/** The start of a reference in the search box: completed as one rather than searched. */
const REF_START = /^[a-z0-9-]+ *:/i;

interface PassageDeps {
  library: Library;
  sessions: SearchSessions;
  /** The other spellings a server's searches use: its library's list and its own. */
  spellings: Pick<SpellingsService, 'forSearch'>;
}

export interface SearchRequest {
  guildId: string;
  userId: string;
  query: string;
  articleId?: string | null;
  perPage: number;
}

/** One match of a search, with what its line in the results shows. */
interface FoundPassage {
  ref: string;
  title: string;
  text: string;
  /** Whether a word of `text` is one the search matched, for highlighting. */
  isMatch(word: string): boolean;
}

/** The matches of a search, before it is kept for its page buttons. */
export interface Matches {
  guildId: string;
  userId: string;
  query: string;
  articleId?: string;
  found: FoundPassage[];
  perPage: number;
}

/** The matches of a stored search and the page of them to show. */
export interface SearchPage {
  query: string;
  articleId?: string;
  found: FoundPassage[];
  page: number;
  perPage: number;
  sessionId: string;
}

export type SearchResult =
  | { kind: 'passage'; range: PassageRange }
  /** `otherScript`: the query has no Latin letters (`Казахстан`), so the member is told the texts are English. */
  | { kind: 'none'; query: string; articleId?: string; otherScript: boolean }
  | { kind: 'found'; matches: Matches };

export type PassageService = ReturnType<typeof createPassageService>;

/** An article filter as typed: the id when the article exists, else a UserError naming the nearest. */
export function checkArticleId(corpus: Corpus, articleId: string | null | undefined): string | undefined {
  if (!articleId) return undefined;
  if (corpus.byId.has(articleId)) return articleId;
  // A server that hides the shipped articles and added none has no article to suggest.
  if (corpus.articles.length === 0) throw new UserError(`There is no article \`${quoteInput(articleId)}\`: this server's library has no articles yet (\`/library add\` adds one).`);
  const guess = closest(articleId, [...corpus.byId.keys()]);
  throw new UserError(`There is no article \`${quoteInput(articleId)}\`: did you mean \`${guess}\`? \`/articles\` lists them all.`);
}

/** An autocomplete choice for a reference: the reference and the text it opens on. */
export interface Suggestion {
  ref: string;
  text: string;
}

const suggestion = ({ article, from, to, passages }: PassageRange): Suggestion => ({ ref: formatRef(article.id, from, to), text: passages[0]?.text ?? '' });

/** What to offer before anything is typed: the opening paragraphs of each article. */
const openings = (articles: Article[]): Passage[] => articles.flatMap((article) => article.paragraphs.slice(0, 3)).slice(0, LIMITS.autocompleteChoices);

function textMatches(corpus: Corpus, search: SearchIndex, typed: string, articleId?: string): Passage[] {
  return search.search(typed, { articleId, limit: LIMITS.autocompleteChoices }).map((hit) => corpus.byId.get(hit.articleId)!.paragraphs[hit.paragraph - 1]!);
}

/** Looking passages up in a server's library: by reference, by words, and as autocomplete suggestions. */
export function createPassageService({ library, sessions, spellings: serverSpellings }: PassageDeps) {
  const corpusOf = async (guildId: string) => (await library.forGuild(guildId)).corpus;

  function found(corpus: Corpus, search: SearchIndex, hits: SearchHit[]): FoundPassage[] {
    return hits.map((hit) => {
      const matched = new Set(hit.terms);
      const article = corpus.byId.get(hit.articleId);
      return {
        ref: hit.ref,
        title: article?.title ?? hit.articleId,
        text: article?.paragraphs[hit.paragraph - 1]?.text ?? '',
        isMatch: (word) => matched.has(search.normalise(word) ?? ''),
      };
    });
  }

  return {
    /** `/passage show`: a passage or range by reference. */
    async show(guildId: string, ref: string): Promise<PassageRange> {
      return resolveReference(await corpusOf(guildId), parseInput(refSchema, ref, 'ref'));
    },

    /**
     * `/passage search`: a reference (as chosen from autocomplete) opens it; anything else is
     * searched. In memory only: the matches are kept for paging by `keep`, a store write.
     */
    async search(request: SearchRequest): Promise<SearchResult> {
      const [{ corpus, search }, spellings] = await Promise.all([library.forGuild(request.guildId), serverSpellings.forSearch(request.guildId)]);
      const query = parseInput(querySchema, request.query, 'query');
      if (REF_SHAPE.test(query)) {
        try {
          return { kind: 'passage', range: resolveReference(corpus, query) };
        } catch {
          // Not a valid reference after all (e.g. "CSTO: 1992"): search for the words instead.
        }
      }
      const articleId = checkArticleId(corpus, request.articleId);
      const hits = search.search(query, { articleId, limit: MAX_RESULTS, spellings });
      if (hits.length === 0) return { kind: 'none', query, articleId, otherScript: inOtherScript(query) };
      const { guildId, userId, perPage } = request;
      return { kind: 'found', matches: { guildId, userId, query, articleId, found: found(corpus, search, hits), perPage } };
    },

    /** Keeps a search for its Previous / Next page buttons: its first page, with the session they carry. */
    async keep({ guildId, userId, query, articleId, found: matches, perPage }: Matches): Promise<SearchPage> {
      const sessionId = await sessions.open({ guildId, ownerId: userId, query, articleId });
      return { query, articleId, found: matches, page: 1, perPage, sessionId };
    },

    /** Another page of an earlier search, recomputed from its stored query. */
    async searchPage(guildId: string, sessionId: string, page: number, perPage: number): Promise<SearchPage> {
      const session = await sessions.get(guildId, sessionId);
      if (!session) throw new UserError('This search has expired: run `/passage search` again.');
      const [{ corpus, search }, spellings] = await Promise.all([library.forGuild(guildId), serverSpellings.forSearch(guildId)]);
      const hits = search.search(session.query, { articleId: session.articleId, limit: MAX_RESULTS, spellings });
      // The articles or spellings changed since (an article removed, a spelling taken out).
      if (hits.length === 0) throw new UserError('This search finds nothing any more: the articles or spellings have changed. Run `/passage search` again.');
      return { query: session.query, articleId: session.articleId, found: found(corpus, search, hits), page, perPage, sessionId };
    },

    /** A match picked from a search's menu: only a search of this server opens anything. */
    async pick(guildId: string, sessionId: string, ref: string): Promise<PassageRange> {
      if (!(await sessions.get(guildId, sessionId))) throw new UserError('This search has expired: run `/passage search` again.');
      return resolveReference(await corpusOf(guildId), parseInput(refSchema, ref, 'ref'));
    },

    /** The bot was removed from a server: its kept searches go. */
    forgetGuild: (guildId: string) => sessions.forgetGuild(guildId),

    /** `/articles`: the server's articles. */
    async articles(guildId: string): Promise<Article[]> {
      return (await corpusOf(guildId)).articles;
    },

    /**
     * `/passage show` and `/poll passage`: references by article id and title first, each
     * article's paragraphs in order; the words are looked up in the text only when they name no article.
     */
    async suggestReferences(guildId: string, input: string): Promise<Suggestion[]> {
      const { corpus, search } = await library.forGuild(guildId);
      const typed = input.trim();
      if (typed.length === 0) return openings(corpus.articles);
      const named = completeReference(corpus, typed, LIMITS.autocompleteChoices);
      return named.length > 0 ? named.map(suggestion) : textMatches(corpus, search, typed);
    },

    /** `/passage search`: a reference being written (`article:`) is completed, anything else is searched. */
    async suggestPassages(guildId: string, input: string, articleId?: string | null): Promise<Suggestion[]> {
      const { corpus, search } = await library.forGuild(guildId);
      const typed = input.trim();
      const scope = articleId ? corpus.byId.get(articleId) : undefined;
      if (typed.length === 0) return openings(scope ? [scope] : corpus.articles);
      const named = REF_START.test(typed) ? completeReference(corpus, typed, LIMITS.autocompleteChoices) : [];
      return named.length > 0 ? named.map(suggestion) : textMatches(corpus, search, typed, scope?.id);
    },

    /** Articles to suggest: those the words name (id or title's first words) first, then ids and titles containing them. */
    async suggestArticles(guildId: string, input: string): Promise<Article[]> {
      const corpus = await corpusOf(guildId);
      const typed = input.trim().toLowerCase();
      const named = articlesNamed(corpus, typed);
      const containing = corpus.articles.filter((article) => !named.includes(article) && (article.id.includes(typed) || article.title.toLowerCase().includes(typed)));
      return [...named, ...containing].slice(0, LIMITS.autocompleteChoices);
    },
  };
}
