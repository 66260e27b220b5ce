import { UserError } from '../lib/errors.js';
import { parseInput } from '../lib/input.js';
import { quoteInput } from '../lib/ui/limits.js';
import { articleFromLayout, articleMetaSchema, CorpusError, layoutParagraphs, parseArticle, type Article, type MetaOverrides } from './corpus.js';

/** The largest file `/library add` takes (SPEC section 10: 1 MB). */
export const UPLOAD_MAX_BYTES = 2 ** 20;
const UPLOAD_MAX_PARAGRAPHS = 2000;
/** The kind of a `.txt` article when none is given. */
const TXT_KIND = 'text';

export interface UploadInput {
  filename: string;
  text: string;
  id?: string;
  title?: string;
  kind?: string;
  source?: string;
}

const optionsSchema = articleMetaSchema.pick({ id: true, title: true, kind: true, source: true }).partial();
const BOM = '\uFEFF';

/**
 * The text of an attached file's bytes; a UserError when they are not UTF-8. A byte-order
 * mark is kept, so that the stored text gives the same bytes back on export.
 */
export function decodeUpload(filename: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`\`${quoteInput(filename)}\` is not UTF-8 text: save it as UTF-8 (plain text or Markdown) and attach it again.`);
  }
}

/** The file's format by its name; a UserError for any other than `.md` and `.txt` (checked before a download too). */
export function uploadFormat(filename: string): 'md' | 'txt' {
  const format = /\.(md|txt)$/i.exec(filename)?.[1]?.toLowerCase();
  if (format !== 'md' && format !== 'txt') {
    throw new UserError(`\`${quoteInput(filename)}\` is neither a \`.md\` nor a \`.txt\` file: attach the article as Markdown in the corpus format or as plain text.`);
  }
  return format;
}

/** A .md (corpus format, front matter) or .txt file as an Article, its passages the text verbatim. Throws UserError (one sentence) on a bad file. */
export function parseUpload(input: UploadInput): Article {
  const { filename, text } = input;
  const name = `\`${quoteInput(filename)}\``;
  const format = uploadFormat(filename);
  if (Buffer.byteLength(text, 'utf8') > UPLOAD_MAX_BYTES) throw new UserError(`${name} is over 1 MB: split the article into smaller files.`);
  if (text.includes('\0')) throw new UserError(`${name} holds binary data (NUL bytes), not text: attach a plain-text or Markdown file.`);
  if (text.trim().length === 0) throw new UserError(`${name} is empty: attach a file with the article's text.`);
  const options = definedOnly(parseInput(optionsSchema, { id: input.id, title: input.title, kind: input.kind, source: input.source }, 'file'));
  // The mark is not part of the text: parsed without it, stored with it.
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  let article: Article;
  try {
    article = format === 'md' ? parseArticle(filename, body, options) : parseText(filename, body, options);
  } catch (error) {
    if (error instanceof CorpusError) throw new UserError(`${name} cannot be added: ${error.reason}.`);
    throw error;
  }
  if (article.paragraphs.length > UPLOAD_MAX_PARAGRAPHS) {
    throw new UserError(`${name} has ${article.paragraphs.length} paragraphs, more than ${UPLOAD_MAX_PARAGRAPHS}: split the article into smaller files.`);
  }
  return article;
}

/** A plain-text article: the first line is its title unless one is given, paragraphs are split on blank lines. */
function parseText(filename: string, body: string, options: MetaOverrides): Article {
  let from = 0;
  let title = options.title;
  if (title === undefined) {
    const firstLine = /^\s*(.*)(?:\r?\n|$)/.exec(body)!;
    title = firstLine[1]!.trim();
    from = firstLine[0].length;
  }
  const id = options.id ?? slugOf(filename.replace(/\.txt$/i, '')) ?? slugOf(title);
  if (id === undefined) throw new UserError(`No article id can be made from \`${quoteInput(filename)}\`: give one with the \`id\` option, like \`my-article\`.`);
  const meta = articleMetaSchema.safeParse({ id, title, kind: options.kind ?? TXT_KIND, ...(options.source !== undefined && { source: options.source }) });
  if (!meta.success) {
    // The options were checked already: what fails is the title read from the file's first line.
    throw new UserError(`The first line of \`${quoteInput(filename)}\` cannot be the title (at most 200 characters): give one with the \`title\` option.`);
  }
  return articleFromLayout(filename, body, layoutParagraphs(filename, body, meta.data, from));
}

/** A lowercase slug of at most 60 characters (an article id) made of a name, if it has letters or digits. */
function slugOf(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : undefined;
}

function definedOnly(options: MetaOverrides): MetaOverrides {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
