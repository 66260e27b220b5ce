import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'should be a lowercase slug like "my-article"');
// YAML reads an unquoted 2022-01-06 as a Date; both spellings mean the same day.
const isoDate = z.union([z.iso.date(), z.date().transform((date) => date.toISOString().slice(0, 10))]);

/** Front matter of one article: only what is known, nothing invented. */
const articleMetaSchema = z.strictObject({
  id: slug.max(60),
  title: z.string().trim().min(1).max(200),
  kind: z.string().trim().min(1).max(40),
  source: z.string().trim().min(1).max(200).optional(),
  language: z.string().trim().min(2).max(20).optional(),
  translated_from: z.string().trim().min(2).max(20).optional(),
  published: isoDate.optional(),
  notes: z.string().trim().min(1).max(2000).optional(),
});

type ArticleMeta = z.infer<typeof articleMetaSchema>;

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
const WORDS_PER_MINUTE = 200;

/** Parses one article file; the text between blank lines is a paragraph, kept verbatim. */
export function parseArticle(file: string, source: string): Article {
  const match = FRONT_MATTER.exec(source);
  if (!match) throw new CorpusError(file, 'no front matter: the file must start with a "---" block');
  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    throw new CorpusError(file, `front matter is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const meta = articleMetaSchema.safeParse(raw);
  if (!meta.success) {
    const issue = meta.error.issues[0]!;
    const field = issue.path.join('.');
    if (!field) throw new CorpusError(file, `front matter ${issue.message.replace(/^Invalid input: /, '')}`);
    const missing = typeof raw === 'object' && raw !== null && !(field in raw);
    throw new CorpusError(file, `front matter field "${field}" ${missing ? 'is missing' : issue.message.replace(/^Invalid input: /, '')}`);
  }
  const texts = source
    .slice(match[0].length)
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0);
  if (texts.length === 0) throw new CorpusError(file, 'the article has no paragraphs');
  const paragraphs = texts.map((text, index) => ({
    ref: `${meta.data.id}:${index + 1}`,
    articleId: meta.data.id,
    paragraph: index + 1,
    text,
  }));
  const words = texts.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
  return { ...meta.data, file, paragraphs, words };
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

/** Reads every `*.md` file of the corpus folder, in file-name order. */
export async function loadCorpus(dir: string): Promise<Corpus> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
  } catch {
    throw new CorpusError(dir, 'the corpus folder cannot be read (check CORPUS_DIR)');
  }
  if (names.length === 0) throw new CorpusError(dir, 'the corpus folder has no .md articles');
  const articles = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      return parseArticle(file, await readFile(file, 'utf8'));
    }),
  );
  return buildCorpus(articles);
}
