import type { ApplicationCommandOptionChoiceData, BaseMessageOptions } from 'discord.js';
import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import type { BotContext } from '../../context.js';
import { UserError } from '../../lib/errors.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { passageView } from './passage-view.js';
import { noMatchView, searchView } from './search-view.js';
import { parseInput } from '../../lib/input.js';
import { resolveReference } from '../../library/references.js';

/** The most matches one search keeps: a select menu holds 25. */
export const MAX_RESULTS = 25;

export const querySchema = z
  .string()
  .trim()
  .min(1, { error: 'needs at least one word to look for' })
  .transform((query) => query.slice(0, 500));

export type LookupContext = Pick<BotContext, 'corpus' | 'search' | 'sessions'>;

export interface SearchRequest {
  guildId: string;
  userId: string;
  query: string;
  articleId?: string | null;
  perPage: number;
}

const REF_SHAPE = /^\s*[a-z0-9-]+\s*:\s*\d/i;

export function checkArticleId(ctx: Pick<BotContext, 'corpus'>, articleId: string | null | undefined): string | undefined {
  if (!articleId) return undefined;
  if (ctx.corpus.byId.has(articleId)) return articleId;
  const guess = closest(articleId, [...ctx.corpus.byId.keys()]);
  throw new UserError(`There is no article \`${truncate(articleId, 60)}\`: did you mean \`${guess}\`? \`/articles\` lists them all.`);
}

/** `/passage search`: a reference (as chosen from autocomplete) opens it; anything else is searched. */
export async function searchReply(ctx: LookupContext, request: SearchRequest): Promise<BaseMessageOptions> {
  const query = parseInput(querySchema, request.query, 'query');
  if (REF_SHAPE.test(query)) {
    try {
      return passageView(resolveReference(ctx.corpus, query));
    } catch {
      // Not a valid reference after all (e.g. "CSTO: 1992"): search for the words instead.
    }
  }
  const articleId = checkArticleId(ctx, request.articleId);
  const hits = ctx.search.search(query, { articleId, limit: MAX_RESULTS });
  if (hits.length === 0) return noMatchView(query, articleId);
  const sessionId = await ctx.sessions.open({ guildId: request.guildId, ownerId: request.userId, query, articleId });
  return searchView(ctx.corpus, ctx.search.normalise, { query, articleId, hits, page: 1, perPage: request.perPage, sessionId });
}

/** Another page of an earlier search, recomputed from its stored query. */
export async function searchPageReply(ctx: LookupContext, sessionId: string, page: number, perPage: number): Promise<BaseMessageOptions> {
  const session = await ctx.sessions.get(sessionId);
  if (!session) throw new UserError('This search has expired: run `/passage search` again.');
  const hits = ctx.search.search(session.query, { articleId: session.articleId, limit: MAX_RESULTS });
  return searchView(ctx.corpus, ctx.search.normalise, { ...session, hits, page, perPage, sessionId });
}

export function passageReply(ctx: Pick<BotContext, 'corpus'>, ref: string): BaseMessageOptions {
  return passageView(resolveReference(ctx.corpus, parseInput(z.string().trim().min(1, { error: 'needs a reference such as `former-kazakhstan:2`' }), ref, 'ref')));
}

function choice(name: string, value: string): ApplicationCommandOptionChoiceData<string> {
  return { name: truncate(name.replace(/\s+/g, ' '), LIMITS.choiceText), value: value.slice(0, LIMITS.choiceText) };
}

/** Autocomplete for a passage: matching passages while typing; a reference's value opens it. */
export function passageChoices(ctx: Pick<BotContext, 'corpus' | 'search'>, input: string, articleId?: string | null): ApplicationCommandOptionChoiceData<string>[] {
  const typed = input.trim();
  const label = (ref: string, text: string) => choice(`${ref} · ${text}`, ref);
  const prefix = /^([a-z0-9-]+):(\d*)$/i.exec(typed);
  const article = prefix ? ctx.corpus.byId.get(prefix[1]!.toLowerCase()) : undefined;
  if (article) {
    return article.paragraphs
      .filter((passage) => String(passage.paragraph).startsWith(prefix![2]!))
      .slice(0, LIMITS.autocompleteChoices)
      .map((passage) => label(passage.ref, passage.text));
  }
  if (typed.length === 0) {
    const scope = articleId && ctx.corpus.byId.get(articleId) ? [ctx.corpus.byId.get(articleId)!] : ctx.corpus.articles;
    return scope
      .flatMap((a) => a.paragraphs.slice(0, 3))
      .slice(0, LIMITS.autocompleteChoices)
      .map((passage) => label(passage.ref, passage.text));
  }
  const filter = articleId && ctx.corpus.byId.has(articleId) ? articleId : undefined;
  return ctx.search.search(typed, { articleId: filter, limit: LIMITS.autocompleteChoices }).map((hit) => {
    const passage = ctx.corpus.byId.get(hit.articleId)!.paragraphs[hit.paragraph - 1]!;
    return label(hit.ref, passage.text);
  });
}

/** Autocomplete for an article: ids and titles containing what was typed. */
export function articleChoices(ctx: Pick<BotContext, 'corpus'>, input: string): ApplicationCommandOptionChoiceData<string>[] {
  const typed = input.trim().toLowerCase();
  return ctx.corpus.articles
    .filter((article) => article.id.includes(typed) || article.title.toLowerCase().includes(typed))
    .slice(0, LIMITS.autocompleteChoices)
    .map((article) => choice(`${article.title} (${article.id})`, article.id));
}
