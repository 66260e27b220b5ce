import { closest } from 'fastest-levenshtein';
import type { Article, Corpus, Passage } from './corpus.js';
import { UserError } from '../lib/errors.js';
import { quoteInput } from '../lib/ui/limits.js';

export interface PassageRange {
  article: Article;
  from: number;
  to: number;
  passages: Passage[];
}

/**
 * A reference as people type it: a name (article id, the start of one, or a title's first
 * words), then a paragraph or range after `:` or a space. While typing, the numbers may be
 * missing or half written (`former-kazakhstan:2-`).
 */
const TYPED = /^(.*?)(?:(?: ?: ?| )(\d{1,4})?(?: ?([-–]) ?(\d{1,4})?)?)?$/;
const WORD = /[\p{L}\p{N}]+/gu;
/** Words a title's first words may leave out: "former kazakhstan" for "The former Kazakhstan…", "why putin" for "Why is Putin…". */
const SMALL_WORDS = new Set(['a', 'an', 'the', 'is', 'are', 'was', 'of', 'in', 'on', 'to', 'and', 'for']);

interface TypedReference {
  name: string;
  from?: number;
  to?: number;
  /** A dash was typed: a range is being written. */
  range: boolean;
}

function parseTyped(input: string): TypedReference {
  // Runs of spaces made one first, so that matching stays linear in the input's length.
  const [, name = '', from, dash, to] = TYPED.exec(input.trim().replace(/\s+/g, ' ')) ?? [];
  return { name: name.trim(), from: from === undefined ? undefined : Number(from), to: to === undefined ? undefined : Number(to), range: dash !== undefined };
}

export function formatRef(articleId: string, from: number, to = from): string {
  return from === to ? `${articleId}:${from}` : `${articleId}:${from}-${to}`;
}

function wordsOf(text: string): string[] {
  // Accents dropped before splitting, so that "Nazarbáev" is one word, "nazarbaev".
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? [];
}

// Titles are split once per article: resolving and completing a name reads every title.
const titleWords = new WeakMap<Article, string[]>();
function titleWordsOf(article: Article): string[] {
  let words = titleWords.get(article);
  if (!words) titleWords.set(article, (words = wordsOf(article.title)));
  return words;
}

/** Whether `typed` are a title's first words, each possibly cut short, small words of the title skippable. */
function startsTitle(title: string[], typed: string[]): boolean {
  let at = 0;
  for (const word of typed) {
    while (at < title.length && !title[at]!.startsWith(word) && SMALL_WORDS.has(title[at]!)) at++;
    if (at >= title.length || !title[at]!.startsWith(word)) return false;
    at++;
  }
  return typed.length > 0;
}

/** The articles a typed name fits, in corpus order: its id exactly, else ids it starts and titles whose first words it gives. */
export function articlesNamed(corpus: Corpus, name: string): Article[] {
  const typed = wordsOf(name);
  const slug = typed.join('-');
  const exact = corpus.byId.get(slug);
  if (exact) return [exact];
  if (typed.length === 0) return [];
  return corpus.articles.filter((article) => article.id.startsWith(slug) || startsTitle(titleWordsOf(article), typed));
}

/** The range of `article` nearest to `from`-`to`: both ends kept inside the article, running forwards. */
function nearestRange(article: Article, from: number, to: number): [number, number] {
  const clamp = (n: number) => Math.min(Math.max(n, 1), article.paragraphs.length);
  const [a, b] = [clamp(from), clamp(to)];
  return a <= b ? [a, b] : [b, a];
}

function rangeOf(article: Article, from: number, to: number): PassageRange {
  return { article, from, to, passages: article.paragraphs.slice(from - 1, to) };
}

/** The one article a typed name means; a UserError naming the nearest reference otherwise. */
function articleFor(corpus: Corpus, input: string, typed: TypedReference): Article {
  const named = articlesNamed(corpus, typed.name);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    const some = named.slice(0, 3).map((article) => `\`${article.id}\``);
    throw new UserError(`\`${quoteInput(typed.name)}\` fits several articles: write one of ${some.join(', ')}${named.length > 3 ? ' or another' : ''}.`);
  }
  const guess = corpus.articles.length > 0 ? corpus.byId.get(closest(wordsOf(typed.name).join('-'), [...corpus.byId.keys()])) : undefined;
  if (typed.from === undefined || !guess) {
    const example = guess ? `, e.g. \`${guess.id}:1\`` : '';
    throw new UserError(
      `\`${quoteInput(input)}\` is not a passage reference: write \`<article>:<paragraph>\`, \`<article> <from>-<to>\` or the first words of a title${example}.`,
    );
  }
  const [from, to] = nearestRange(guess, typed.from, typed.to ?? typed.from);
  throw new UserError(`There is no article \`${quoteInput(typed.name)}\`: did you mean \`${formatRef(guess.id, from, to)}\`? \`/articles\` lists them all.`);
}

/**
 * Resolves what a member typed: `article:n`, `article:from-to`, the same with a space
 * instead of the colon, and an article's id, the start of it or its title's first words,
 * case-insensitive. A name alone opens the article's first paragraph (Next reads on). A
 * bad reference throws a UserError of one sentence naming the nearest valid reference.
 */
export function resolveReference(corpus: Corpus, input: string): PassageRange {
  const typed = parseTyped(input);
  const article = articleFor(corpus, input, typed);
  if (typed.from === undefined) return rangeOf(article, 1, 1);
  const from = typed.from;
  const to = typed.to ?? from;
  const [nearFrom, nearTo] = nearestRange(article, from, to);
  const count = article.paragraphs.length;
  if (Math.max(from, to) > count || Math.min(from, to) < 1) {
    throw new UserError(
      `\`${article.id}\` has paragraphs 1 to ${count}, not ${from === to ? from : `${from}-${to}`}: try \`${formatRef(article.id, nearFrom, nearTo)}\`.`,
    );
  }
  if (to < from) throw new UserError(`A range runs forwards: try \`${formatRef(article.id, nearFrom, nearTo)}\`.`);
  return rangeOf(article, from, to);
}

/**
 * What a reference being typed could become, for autocomplete: each named article's
 * paragraphs in order, those whose number starts with what was typed, or the ranges
 * from the typed paragraph. Numbers past the article's end offer the nearest valid
 * reference (`former-kazakhstan:2-99` offers `former-kazakhstan:2-9`).
 */
export function completeReference(corpus: Corpus, input: string, limit: number): PassageRange[] {
  const typed = parseTyped(input);
  const ranges: PassageRange[] = [];
  for (const article of articlesNamed(corpus, typed.name)) {
    if (ranges.length >= limit) break;
    const count = article.paragraphs.length;
    const { from, to } = typed;
    let found: Array<[number, number]>;
    if (from === undefined) {
      found = article.paragraphs.map((passage): [number, number] => [passage.paragraph, passage.paragraph]);
    } else if (!typed.range) {
      found = article.paragraphs.filter((passage) => String(passage.paragraph).startsWith(String(from))).map((passage): [number, number] => [passage.paragraph, passage.paragraph]);
    } else {
      found = [];
      for (let end = from + 1; end <= count && from >= 1; end++) if (to === undefined || String(end).startsWith(String(to))) found.push([from, end]);
    }
    if (found.length === 0 && from !== undefined) found = [nearestRange(article, from, to ?? from)];
    ranges.push(...found.map(([a, b]) => rangeOf(article, a, b)));
  }
  return ranges.slice(0, limit);
}
