import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'should be a lowercase slug like "my-article"');
// YAML reads an unquoted 2022-01-06 as a Date; both spellings mean the same day.
const isoDate = z.union([z.iso.date(), z.date().transform((date) => date.toISOString().slice(0, 10))]);

const speakerName = z.string().trim().min(1).max(60, 'should be at most 60 characters');
/**
 * Who speaks in which paragraphs, for an interview: keys are a paragraph (`2`), a range
 * (`3-9`) or `default`; the daily post and /quote name the speaker under a quote.
 */
const SPEAKERS_KEY = /^(?:default|\d+(?:-\d+)?)$/;
const speakersSchema = z
  .record(z.string(), speakerName)
  .refine((speakers) => Object.keys(speakers).length > 0, 'should name at least one speaker')
  .superRefine((speakers, context) => {
    const bad = Object.keys(speakers).find((key) => !SPEAKERS_KEY.test(key));
    if (bad !== undefined) context.addIssue({ code: 'custom', message: `has "${bad}", which is not a paragraph number, a range like "3-9", or "default"` });
  });

/** Front matter of one article: only what is known, nothing invented. */
export const articleMetaSchema = z.strictObject({
  id: slug.max(60),
  title: z.string().trim().min(1).max(200),
  kind: z.string().trim().min(1).max(40),
  source: z.string().trim().min(1).max(200).optional(),
  language: z.string().trim().min(2).max(20).optional(),
  translated_from: z.string().trim().min(2).max(20).optional(),
  published: isoDate.optional(),
  notes: z.string().trim().min(1).max(2000).optional(),
  speakers: speakersSchema.optional(),
});

export type ArticleMeta = z.infer<typeof articleMetaSchema>;

/** Front-matter fields given apart from the file (an uploaded article's command options), which win over the file's. */
export type MetaOverrides = Partial<Pick<ArticleMeta, 'id' | 'title' | 'kind' | 'source'>>;

/** What parsing an article file finds, its text aside: the corpus cache keeps this instead of parsing again. */
export interface ArticleLayout {
  meta: ArticleMeta;
  /** Each paragraph's `[start, end)` in the file's text, flattened: `[start1, end1, start2, end2, …]`. */
  paragraphs: ArrayLike<number>;
  words: number;
}

export interface Passage {
  /** `<article-id>:<paragraph>` */
  ref: string;
  articleId: string;
  paragraph: number;
  text: string;
}

export interface Article extends ArticleMeta {
  file: string;
  paragraphs: Passage[];
  words: number;
}

export interface Corpus {
  articles: Article[];
  byId: Map<string, Article>;
  passages: Passage[];
}

/** A corpus file that cannot be used, with its path and the reason. */
export class CorpusError extends Error {
  override name = 'CorpusError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const PARAGRAPH_BREAK = /\r?\n[ \t]*\r?\n/g;
const WORDS_PER_MINUTE = 200;

/** Parses one article file; the text between blank lines is a paragraph, kept verbatim. */
export function parseArticle(file: string, source: string, overrides?: MetaOverrides): Article {
  return articleFromLayout(file, source, layoutArticle(file, source, overrides));
}

/** Checks an article file's front matter and finds its paragraphs (see parseArticle). */
export function layoutArticle(file: string, source: string, overrides?: MetaOverrides): ArticleLayout {
  const match = FRONT_MATTER.exec(source);
  if (!match) throw new CorpusError(file, 'no front matter: the file must start with a "---" block');
  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    throw new CorpusError(file, `front matter is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (overrides && typeof raw === 'object' && raw !== null) raw = { ...raw, ...overrides };
  const meta = articleMetaSchema.safeParse(raw);
  if (!meta.success) {
    const issue = meta.error.issues[0]!;
    const field = issue.path.join('.');
    if (!field) throw new CorpusError(file, `front matter ${issue.message.replace(/^Invalid input: /, '')}`);
    const missing = issue.path.length === 1 && typeof raw === 'object' && raw !== null && !(field in raw);
    throw new CorpusError(file, `front matter field "${field}" ${missing ? 'is missing' : issue.message.replace(/^Invalid input: /, '')}`);
  }
  return layoutParagraphs(file, source, meta.data, match[0].length);
}

/** Finds the paragraphs of `source` from `from` on, for an article whose front matter is `meta` (already checked). */
export function layoutParagraphs(file: string, source: string, meta: ArticleMeta, from: number): ArticleLayout {
  const paragraphs: number[] = [];
  let words = 0;
  while (from <= source.length) {
    PARAGRAPH_BREAK.lastIndex = from;
    const end = PARAGRAPH_BREAK.exec(source);
    const block = source.slice(from, end?.index ?? source.length);
    const text = block.trim();
    if (text.length > 0) {
      const start = from + block.length - block.trimStart().length;
      paragraphs.push(start, start + text.length);
      words += text.split(/\s+/).length;
    }
    if (!end) break;
    from = end.index + end[0].length;
  }
  if (paragraphs.length === 0) throw new CorpusError(file, 'the article has no paragraphs');
  checkSpeakers(file, meta, paragraphs.length / 2);
  return { meta, paragraphs, words };
}

/** Every paragraph named in `speakers` exists, and none is named twice. */
function checkSpeakers(file: string, meta: ArticleMeta, count: number): void {
  const named = new Set<number>();
  for (const key of Object.keys(meta.speakers ?? {})) {
    if (key === 'default') continue;
    const [from, to = from] = key.split('-').map(Number) as [number, number?];
    if (from < 1 || to < from || to > count) {
      throw new CorpusError(file, `front matter field "speakers" names paragraphs ${key}, but the article has paragraphs 1-${count}`);
    }
    for (let paragraph = from; paragraph <= to; paragraph++) {
      if (named.has(paragraph)) throw new CorpusError(file, `front matter field "speakers" names paragraph ${paragraph} twice`);
      named.add(paragraph);
    }
  }
}

/** Who speaks in a paragraph of the article, when its front matter says. */
export function speakerOf(article: Pick<ArticleMeta, 'speakers'>, paragraph: number): string | undefined {
  const speakers = article.speakers;
  if (!speakers) return undefined;
  for (const [key, name] of Object.entries(speakers)) {
    if (key === 'default') continue;
    const [from, to = from] = key.split('-').map(Number) as [number, number?];
    if (paragraph >= from && paragraph <= to) return name;
  }
  return speakers.default;
}

/** The article a layout describes, every paragraph's text cut from `source`. */
export function articleFromLayout(file: string, source: string, { meta, paragraphs: spans, words }: ArticleLayout): Article {
  const paragraphs: Passage[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const paragraph = i / 2 + 1;
    paragraphs.push({ ref: `${meta.id}:${paragraph}`, articleId: meta.id, paragraph, text: source.slice(spans[i], spans[i + 1]) });
  }
  return { ...meta, file, paragraphs, words };
}

export function readingMinutes(article: Article): number {
  return Math.max(1, Math.round(article.words / WORDS_PER_MINUTE));
}

export function buildCorpus(articles: Article[]): Corpus {
  const byId = new Map<string, Article>();
  for (const article of articles) {
    const other = byId.get(article.id);
    if (other) throw new CorpusError(article.file, `article id "${article.id}" is already used by ${other.file}`);
    byId.set(article.id, article);
  }
  return { articles, byId, passages: articles.flatMap((article) => article.paragraphs) };
}

/**
 * Reads every `*.md` file of the corpus folder, in file-name order, and hands each
 * file's bytes to `each`. One file at a time and synchronously: a start has nothing
 * else to do meanwhile, one open file at a time never runs out of descriptors (opening
 * them all at once failed with EMFILE at 20,000 files), and for thousands of small files
 * it is about twice as fast as promise reads, each a round of thread-pool trips.
 * The bytes are valid only during the call (see readWholeFiles).
 */
export async function readArticleFiles<T>(dir: string, each: (file: string, bytes: Buffer) => T): Promise<T[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
  } catch {
    throw new CorpusError(dir, 'the corpus folder cannot be read (check CORPUS_DIR)');
  }
  if (names.length === 0) throw new CorpusError(dir, 'the corpus folder has no .md articles');
  const read = readWholeFiles();
  return names.map((name) => {
    const file = path.join(dir, name);
    return each(file, read(file));
  });
}

/**
 * A reader of whole files into one buffer, reused: each call's bytes are valid until the
 * next. A buffer per file would leave the whole corpus's size behind in the allocator,
 * counted in the process's memory long after the files are read.
 */
export function readWholeFiles(): (file: string) => Buffer {
  let buffer = Buffer.allocUnsafe(64 * 1024);
  return (file) => {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > buffer.length) buffer = Buffer.allocUnsafe(size);
      let length = 0;
      while (length < size) {
        const read = readSync(fd, buffer, length, size - length, length);
        if (read === 0) break; // cut short meanwhile: what is there, as a plain read would give
        length += read;
      }
      return buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  };
}

/** Reads and parses every article of the corpus folder. */
export async function loadCorpus(dir: string): Promise<Corpus> {
  return buildCorpus(await readArticleFiles(dir, (file, bytes) => parseArticle(file, bytes.toString('utf8'))));
}
