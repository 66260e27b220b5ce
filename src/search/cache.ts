import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SEARCH_CONFIG, PassageSearch, SEARCH_FORMAT_VERSION, type SearchConfig, type SearchCorpus, type SearchIndex, type SearchSnapshot } from './engine.js';

/**
 * The search index kept on disk, so that a large corpus is searchable within a
 * second or two of start instead of after a full build. The file is keyed by a hash
 * of the passages (references and texts), the search configuration and the format
 * version: any change rebuilds it. A missing, stale, truncated or corrupt file is
 * rebuilt and rewritten, never an error; a file that cannot be written is only logged.
 *
 * Layout: a magic line, a 4-byte header length, a JSON header (key, checksum and the
 * byte length of each section), then the sections: typed arrays as raw bytes, the
 * term and word tables' text as UTF-8.
 */
interface SearchCacheLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface SearchCacheOptions {
  cacheDir: string;
  logger?: SearchCacheLogger;
  config?: SearchConfig;
  /**
   * A key that already names every passage's reference and text (the corpus cache's): the
   * index's key is then made from it instead of hashing every text again.
   */
  corpusKey?: string;
}

export interface LoadedSearchIndex {
  index: SearchIndex;
  source: 'cache' | 'built';
  /** Time from the call to a searchable index (including saving a rebuilt one). */
  ms: number;
}

export const SEARCH_CACHE_FILE = 'search-index.bin';
const MAGIC = Buffer.from('MARGINALIA-SEARCH-INDEX\n');

interface Header {
  key: string;
  checksum: string;
  sections: Array<{ name: string; bytes: number }>;
}

/** Identifies the corpus and configuration an index was built for. */
function searchCacheKey(corpus: SearchCorpus, config: SearchConfig, corpusKey: string | undefined): string {
  const hash = createHash('sha256');
  hash.update(`format ${SEARCH_FORMAT_VERSION}\n${JSON.stringify(config)}\n${corpus.passages.length}\n`);
  if (corpusKey !== undefined) hash.update(`corpus ${corpusKey}`);
  else for (const passage of corpus.passages) hash.update(`${passage.ref}\u0000${passage.text}\u0001`);
  return hash.digest('hex');
}

export async function loadOrBuildSearchIndex(corpus: SearchCorpus, options: SearchCacheOptions): Promise<LoadedSearchIndex> {
  const started = performance.now();
  const config = options.config ?? DEFAULT_SEARCH_CONFIG;
  const file = path.join(options.cacheDir, SEARCH_CACHE_FILE);
  const key = searchCacheKey(corpus, config, options.corpusKey);

  let reason = 'no saved index';
  try {
    const saved = await readFile(file);
    const index = PassageSearch.restore(corpus, decode(saved, key), config);
    const ms = performance.now() - started;
    options.logger?.info({ file, passages: corpus.passages.length, ms: Math.round(ms) }, 'search index loaded from cache');
    return { index, source: 'cache', ms };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') reason = (error as Error).message;
  }

  const index = PassageSearch.build(corpus, config);
  try {
    await mkdir(options.cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, encode(index.snapshot(), key));
    await rename(temporary, file).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
  } catch (error) {
    options.logger?.warn({ file, err: (error as Error).message }, 'search index could not be saved; it will be rebuilt at the next start');
  }
  const ms = performance.now() - started;
  options.logger?.info({ file, passages: corpus.passages.length, reason, ms: Math.round(ms) }, 'search index built');
  return { index, source: 'built', ms };
}

function typedBytes(array: Uint32Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Sections start at multiples of 4 bytes, so that a loaded index's tables are views of the file's own bytes. */
const ALIGN = 4;
const padded = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

function encode(snapshot: SearchSnapshot, key: string): Buffer {
  const { terms, words, postings, ...meta } = snapshot;
  const sections: Array<[string, Buffer]> = [
    ['meta', Buffer.from(JSON.stringify(meta))],
    ['terms.text', Buffer.from(terms.text)],
    ['terms.starts', typedBytes(terms.starts)],
    ['words.text', Buffer.from(words.text)],
    ['words.starts', typedBytes(words.starts)],
    ['words.terms', typedBytes(words.terms)],
    ['words.counts', typedBytes(words.counts)],
    ['postings.starts', typedBytes(postings.starts)],
    ['postings.docs', typedBytes(postings.docs)],
    ['postings.weights', typedBytes(postings.weights)],
  ];
  const body = Buffer.concat(sections.flatMap(([, bytes]) => [bytes, Buffer.alloc(padded(bytes.length) - bytes.length)]));
  const header: Header = {
    key,
    checksum: createHash('sha1').update(body).digest('hex'),
    sections: sections.map(([name, bytes]) => ({ name, bytes: bytes.length })),
  };
  const json = JSON.stringify(header);
  // Spaces after the JSON (which it allows) make the body start at a multiple of 4 as well.
  const headerBytes = Buffer.from(json.padEnd(padded(MAGIC.length + 4 + Buffer.byteLength(json)) - MAGIC.length - 4, ' '));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([MAGIC, length, headerBytes, body]);
}

/** Reads a saved index; throws (with the reason) if it is not a whole, current index for `key`. */
function decode(file: Buffer, key: string): SearchSnapshot {
  if (file.length < MAGIC.length + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a saved search index');
  const headerLength = file.readUInt32LE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLength;
  if (bodyStart > file.length) throw new Error('saved search index is truncated');
  const header = JSON.parse(file.subarray(MAGIC.length + 4, bodyStart).toString('utf8')) as Header;
  if (header.key !== key) throw new Error('saved search index is for another corpus or configuration');
  const body = file.subarray(bodyStart);
  if (!Array.isArray(header.sections) || header.sections.reduce((sum, section) => sum + padded(section.bytes), 0) !== body.length) {
    throw new Error('saved search index is truncated');
  }
  if (createHash('sha1').update(body).digest('hex') !== header.checksum) throw new Error('saved search index is corrupt');

  const parts = new Map<string, Buffer>();
  let offset = 0;
  for (const { name, bytes } of header.sections) {
    parts.set(name, body.subarray(offset, offset + bytes));
    offset += padded(bytes);
  }
  const part = (name: string): Buffer => {
    const found = parts.get(name);
    if (!found) throw new Error(`saved search index has no ${name} section`);
    return found;
  };
  const text = (name: string) => part(name).toString('utf8');
  // Views of the file's bytes, not copies: the file as read is the index. Copied out, the tables would leave the
  // whole file behind as garbage, which an idle process may keep for hours. readFile gives a file an ArrayBuffer of
  // its own, so the aligned sections stay aligned; a copy is made only if a Buffer ever comes at an odd offset.
  const bytes = (name: string) => {
    const found = part(name);
    return new Uint8Array(found.buffer, found.byteOffset, found.length);
  };
  const uint32 = (name: string): Uint32Array => {
    const found = part(name);
    if (found.length % 4 !== 0) throw new Error(`saved search index has a damaged ${name} table`);
    if (found.byteOffset % 4 === 0) return new Uint32Array(found.buffer, found.byteOffset, found.length / 4);
    return new Uint32Array(found.buffer.slice(found.byteOffset, found.byteOffset + found.length));
  };
  const meta = JSON.parse(text('meta')) as Pick<SearchSnapshot, 'version' | 'config' | 'docCount'>;
  return {
    ...meta,
    terms: { text: text('terms.text'), starts: uint32('terms.starts') },
    words: { text: text('words.text'), starts: uint32('words.starts'), terms: uint32('words.terms'), counts: uint32('words.counts') },
    postings: { starts: uint32('postings.starts'), docs: uint32('postings.docs'), weights: bytes('postings.weights') },
  };
}
