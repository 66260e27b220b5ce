import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { articleMetaSchema, buildCorpus, CorpusError, layoutArticle, readArticleFiles, readWholeFiles, type Article, type Corpus } from './corpus.js';
import { openParagraphTexts, paragraphTextsInMemory, StoredPassage, writeParagraphTexts, type ParagraphTexts, type TextSource } from './paragraph-texts.js';
import { QUOTE_MAX_CHARS, QUOTE_MAX_SENTENCES, quoteAt, quoteSpans, type Quote } from './quotes.js';

/**
 * The parsed corpus kept on disk beside the search index, so that a start reads the
 * article files but neither parses their front matter (YAML, zod) nor splits their
 * sentences into quotes again: at 50,000 paragraphs that work is 2 to 3 s.
 *
 * It keeps no text. For each file it keeps the SHA-256 of its bytes, the checked front
 * matter, and where the paragraphs and quotes stand. The texts are kept apart, in one file
 * of UTF-8 read on demand (paragraph-texts.ts), keyed to the names and hashes of all the
 * files, so that they stay out of the heap; it is written again only when a file changed,
 * and a file that changes while it is being written fails the start rather than be
 * served with another's layout. A file whose bytes hash differently (or is new) is parsed
 * again, alone. Names, sizes and mtimes would save reading and hashing the files (about 0.1 s
 * at 5,000 files) but pass an edit that keeps the size within one timestamp tick, or a
 * copy that keeps old mtimes, as unchanged; the hash cannot. A missing, stale or unreadable cache
 * is parsed around, never an error; one that cannot be written is only logged (the texts
 * are then held in memory).
 */
interface CorpusCacheLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface CorpusCacheOptions {
  cacheDir: string;
  logger?: CorpusCacheLogger;
}

export interface LoadedCorpus {
  corpus: Corpus;
  quotes: Quote[];
  /** Names every passage's reference and text (the format, each file's name and SHA-256): the search index's cache builds on it. */
  key: string;
  /** Files parsed at this start: 0 when every file was in the cache. */
  parsed: number;
  /** Reading, hashing and parsing the files, and writing their texts when they changed. */
  filesMs: number;
  /** Making the quotes (found when their file is parsed). */
  quotesMs: number;
}

export const CORPUS_CACHE_FILE = 'corpus.json';
export const CORPUS_TEXTS_FILE = 'corpus-texts.bin';
// Bump when parsing, the front matter, paragraph or sentence splitting or quote grouping changes; the
// sentence rules are ICU's, so its version is part of the key too.
const FORMAT = `corpus 2, icu ${process.versions.icu}`;

// Offsets are stored as the bytes of a Uint32Array in base64: JSON arrays of a million numbers
// cost more to parse, check and collect than the rest of the cache together.
const offsets = z.string().transform((base64, context) => {
  const bytes = Buffer.byteLength(base64, 'base64');
  if (bytes % 4 !== 0) {
    context.addIssue({ code: 'custom', message: 'offsets are not whole 32-bit numbers' });
    return z.NEVER;
  }
  // Decoded straight into an array of its own (so 4-byte aligned): a decoded Buffer, then copied, was a slice of
  // Node's shared pool per file, garbage that stayed resident in the idle bot until V8's next full collection.
  const array = new Uint32Array(bytes / 4);
  if (Buffer.from(array.buffer).write(base64, 'base64') !== bytes) {
    context.addIssue({ code: 'custom', message: 'offsets are not base64' });
    return z.NEVER;
  }
  return array;
});
const entrySchema = z.strictObject({
  sha256: z.string(),
  meta: articleMetaSchema,
  words: z.number().int().nonnegative(),
  paragraphs: offsets,
  /** `[paragraph index, start, end, sentences]` per quote, flattened; offsets within the paragraph. */
  quotes: offsets,
});
type Entry = z.infer<typeof entrySchema>;
const cacheSchema = z.strictObject({ format: z.literal(FORMAT), files: z.record(z.string(), entrySchema) });

/** One article file as read, its cache entry found or made by parsing it. */
interface ReadArticle {
  name: string;
  file: string;
  entry: Entry;
  parsed: boolean;
}

/** The corpus folder's articles and quotes, from the cache where a file is unchanged; the cache is rewritten when any file changed. */
export async function loadOrParseCorpus(corpusDir: string, options: CorpusCacheOptions): Promise<LoadedCorpus> {
  const started = performance.now();
  const file = path.join(options.cacheDir, CORPUS_CACHE_FILE);
  const saved = await readCache(file, options.logger);

  // A cached file is hashed, never decoded: its texts are read from the texts file.
  const files = await readArticleFiles(corpusDir, (articleFile, bytes): ReadArticle => {
    const name = path.basename(articleFile);
    const sha256 = sha256Of(bytes);
    const entry = saved.get(name);
    if (entry?.sha256 === sha256 && fits(entry, bytes.length)) return { name, file: articleFile, entry, parsed: false };
    return { name, file: articleFile, entry: parseEntry(articleFile, sha256, bytes.toString('utf8')), parsed: true };
  });
  const key = corpusKey(files);
  const texts = await paragraphTexts(files, key, options);
  let first = 0;
  const articles = files.map((read) => {
    const article = storedArticle(read, texts, first);
    first += article.paragraphs.length;
    return article;
  });
  const corpus = buildCorpus(articles);
  const filesMs = performance.now() - started;

  // Into one array: an array per file, then flattened, was garbage left resident after the start.
  const quotes: Quote[] = [];
  files.forEach(({ entry }, index) => addQuotes(quotes, articles[index]!, entry.quotes));
  const quotesMs = performance.now() - started - filesMs;

  const parsed = files.filter((read) => read.parsed).length;
  if (parsed > 0 || saved.size !== files.length) await writeCache(file, files, options.logger);
  return { corpus, quotes, key, parsed, filesMs, quotesMs };
}

/** Names every passage's reference and text: the format and each file's name and SHA-256. */
function corpusKey(files: ReadArticle[]): string {
  const hash = createHash('sha256').update(FORMAT);
  for (const { name, entry } of files) hash.update(`\n${name}\u0000${entry.sha256}`);
  return hash.digest('hex');
}

/** The texts file of these files when there is one, else one written now (in memory when it cannot be). */
async function paragraphTexts(files: ReadArticle[], key: string, { cacheDir, logger }: CorpusCacheOptions): Promise<ParagraphTexts> {
  const file = path.join(cacheDir, CORPUS_TEXTS_FILE);
  const count = files.reduce((sum, { entry }) => sum + entry.paragraphs.length / 2, 0);
  const opened = openParagraphTexts(file, key, count);
  if (opened) return opened;
  // Read again rather than kept from the first reading: held, the files would be the whole corpus in memory at once.
  const source: TextSource = (append) => {
    const readWhole = readWholeFiles();
    for (const read of files) {
      const bytes = readWhole(read.file);
      if (sha256Of(bytes) !== read.entry.sha256) throw new CorpusError(read.file, 'the file changed while the corpus was being read; start again');
      const text = bytes.toString('utf8');
      const spans = read.entry.paragraphs;
      for (let i = 0; i < spans.length; i += 2) append(text.slice(spans[i], spans[i + 1]));
    }
  };
  try {
    await mkdir(cacheDir, { recursive: true });
    return writeParagraphTexts(file, key, source);
  } catch (error) {
    if (error instanceof CorpusError) throw error;
    logger?.warn({ file, err: (error as Error).message }, 'paragraph texts could not be saved; they are held in memory');
    return paragraphTextsInMemory(source);
  }
}

async function readCache(file: string, logger: CorpusCacheLogger | undefined): Promise<Map<string, Entry>> {
  try {
    return new Map(Object.entries(cacheSchema.parse(JSON.parse(await readFile(file, 'utf8'))).files));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger?.info({ file, reason: (error as Error).message.slice(0, 200) }, 'corpus cache not used');
    return new Map();
  }
}

async function writeCache(file: string, read: ReadArticle[], logger: CorpusCacheLogger | undefined): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const base64 = (array: Uint32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
  const files = Object.fromEntries(read.map(({ name, entry }) => [name, { ...entry, paragraphs: base64(entry.paragraphs), quotes: base64(entry.quotes) }]));
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, JSON.stringify({ format: FORMAT, files }));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined); // none when the folder itself failed
    logger?.warn({ file, err: (error as Error).message }, 'corpus cache could not be saved; the files will be parsed again at the next start');
  }
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Parses an article file and finds its quotes. */
function parseEntry(file: string, sha256: string, source: string): Entry {
  const { meta, paragraphs, words } = layoutArticle(file, source);
  const quotes: number[] = [];
  for (let i = 0; i < paragraphs.length; i += 2) {
    for (const { start, end, sentences } of quoteSpans(source.slice(paragraphs[i], paragraphs[i + 1]), i === 0)) quotes.push(i / 2, start, end, sentences);
  }
  // The front matter copied: its strings are cut from the file's text and would keep all of it in memory.
  return { sha256, meta: structuredClone(meta), words, paragraphs: Uint32Array.from(paragraphs), quotes: Uint32Array.from(quotes) };
}

/**
 * The same hash should mean the same layout; this only keeps a damaged cache from cutting
 * outside the text or making quotes quoteSpans never makes. Offsets count UTF-16 units,
 * and each takes at least one byte of the file.
 */
function fits(entry: Entry, bytes: number): boolean {
  const spans = entry.paragraphs;
  if (spans.length === 0 || spans.length % 2 !== 0 || entry.quotes.length % 4 !== 0) return false;
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i]! >= spans[i + 1]! || spans[i + 1]! > bytes || (i > 0 && spans[i]! < spans[i - 1]!)) return false;
  }
  for (let i = 0; i < entry.quotes.length; i += 4) {
    const [paragraph, start, end, sentences] = [entry.quotes[i]!, entry.quotes[i + 1]!, entry.quotes[i + 2]!, entry.quotes[i + 3]!];
    if (2 * paragraph + 1 >= spans.length || start >= end || end > spans[2 * paragraph + 1]! - spans[2 * paragraph]!) return false;
    if (end - start > QUOTE_MAX_CHARS || sentences < 1 || sentences > QUOTE_MAX_SENTENCES) return false;
  }
  return true;
}

/** The article of a cache entry, its passages reading texts `first`, `first + 1`, … of `texts`. */
function storedArticle({ file, entry: { meta, words, paragraphs: spans } }: ReadArticle, texts: ParagraphTexts, first: number): Article {
  const paragraphs: StoredPassage[] = [];
  for (let paragraph = 1; paragraph <= spans.length / 2; paragraph++) {
    paragraphs.push(new StoredPassage(meta.id, paragraph, texts, first + paragraph - 1));
  }
  return { ...meta, file, paragraphs, words };
}

function addQuotes(quotes: Quote[], article: Article, flat: Uint32Array): void {
  for (let i = 0; i < flat.length; i += 4) {
    quotes.push(quoteAt(article.paragraphs[flat[i]!]!, { start: flat[i + 1]!, end: flat[i + 2]!, sentences: flat[i + 3]! }));
  }
}
