import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Passage } from './corpus.js';

/**
 * Every paragraph's text as UTF-8 outside the JavaScript heap, read when asked for.
 * Held as V8 strings, a corpus costs two bytes a character as soon as a text has one
 * character outside Latin-1 (’, —, and any Cyrillic do): 74 MB at 50,000 paragraphs,
 * most of the bot's memory. Yet an interaction reads only a few texts (a page of
 * results, a quote); only building the search index reads them all.
 *
 * The texts live in one file of the cache folder, kept open: a read is one `pread` of a
 * paragraph's bytes, which the kernel's page cache serves in microseconds, and those
 * pages are the kernel's to drop, not the process's memory. The open descriptor keeps
 * reading the file as it was opened even when another process replaces it (the file is
 * only ever replaced by a rename, never written in place). Where the cache folder cannot
 * be written, the texts are one in-memory Buffer instead: half the size of two-byte strings.
 *
 * The file: a header line naming its key (the corpus it was written from), the texts one
 * after another, then the offsets of every text and of its end as float64s (native byte order).
 */
export class ParagraphTexts {
  constructor(
    private readonly read: (start: number, end: number) => string,
    /** Text `i` is bytes `[offsets[i], offsets[i + 1])`. */
    private readonly offsets: Float64Array,
  ) {}

  text(index: number): string {
    return this.read(this.offsets[index]!, this.offsets[index + 1]!);
  }
}

/** A paragraph whose text is read from `texts` each time it is asked for; its reference too is made when asked for. */
export class StoredPassage implements Passage {
  constructor(
    readonly articleId: string,
    readonly paragraph: number,
    private readonly texts: ParagraphTexts,
    private readonly index: number,
  ) {}

  get ref(): string {
    return `${this.articleId}:${this.paragraph}`;
  }

  get text(): string {
    return this.texts.text(this.index);
  }
}

/** Hands each text, in order, to `append`. */
export type TextSource = (append: (text: string) => void) => void;

const header = (key: string) => Buffer.from(`marginalia paragraph texts ${key}\n`);
// A dropped library (a test's, a reload's) gives its descriptor back.
const descriptors = new FinalizationRegistry<number>((fd) => closeSync(fd));

/** The texts file `file` when it holds `count` texts under `key`; undefined when it is missing or is another's. */
export function openParagraphTexts(file: string, key: string, count: number): ParagraphTexts | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  const expected = header(key);
  const offsets = new Float64Array(count + 1);
  const fits = () => {
    const tableStart = fstatSync(fd).size - offsets.byteLength;
    const found = Buffer.alloc(expected.length);
    return (
      tableStart >= expected.length &&
      readSync(fd, found, 0, found.length, 0) === found.length &&
      found.equals(expected) &&
      readSync(fd, new Uint8Array(offsets.buffer), 0, offsets.byteLength, tableStart) === offsets.byteLength &&
      offsets[0] === expected.length &&
      offsets[count] === tableStart &&
      offsets.every((offset, i) => i === 0 || offset >= offsets[i - 1]!)
    );
  };
  try {
    if (fits()) return fileTexts(fd, offsets);
  } catch {
    // unreadable (a folder in its place, say): written again like any other mismatch
  }
  closeSync(fd);
  return undefined;
}

/** Writes the texts to `file` (a temporary file renamed into place) and reads them from it; throws when it cannot be written. */
export function writeParagraphTexts(file: string, key: string, source: TextSource): ParagraphTexts {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w+');
  try {
    let position = 0;
    const write = (bytes: Uint8Array) => {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
      position += bytes.length;
    };
    // Written in batches of about 1 MB: one write per paragraph is 50,000 system calls at 50,000 paragraphs.
    let batch: Buffer[] = [header(key)];
    let batched = 0;
    const flush = () => {
      write(Buffer.concat(batch));
      [batch, batched] = [[], 0];
    };
    const offsets = collect(batch[0]!.length, source, (bytes) => {
      batch.push(bytes);
      batched += bytes.length;
      if (batched >= 1 << 20) flush();
    });
    flush();
    write(new Uint8Array(offsets.buffer));
    renameSync(temporary, file);
    return fileTexts(fd, offsets);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The texts in one Buffer, for when the cache folder cannot be written. */
export function paragraphTextsInMemory(source: TextSource): ParagraphTexts {
  const parts: Buffer[] = [];
  const offsets = collect(0, source, (bytes) => parts.push(bytes));
  const all = Buffer.concat(parts);
  return new ParagraphTexts((start, end) => all.toString('utf8', start, end), offsets);
}

/** Runs `source`, handing each text's UTF-8 bytes to `store`, and returns the texts' offsets counted from `first`. */
function collect(first: number, source: TextSource, store: (bytes: Buffer) => void): Float64Array {
  const offsets = [first];
  source((text) => {
    const bytes = Buffer.from(text);
    store(bytes);
    offsets.push(offsets.at(-1)! + bytes.length);
  });
  return Float64Array.from(offsets);
}

function fileTexts(fd: number, offsets: Float64Array): ParagraphTexts {
  // One buffer for every read: reading all texts (as hashing the corpus does) leaves no buffers behind.
  let scratch = Buffer.allocUnsafe(64 * 1024);
  const texts = new ParagraphTexts((start, end) => {
    if (end - start > scratch.length) scratch = Buffer.allocUnsafe(end - start);
    // A short read means the file was cut under us: an error, never a wrong text.
    if (readSync(fd, scratch, 0, end - start, start) !== end - start) throw new Error('the paragraph texts file was cut short while in use');
    return scratch.toString('utf8', 0, end - start);
  }, offsets);
  descriptors.register(texts, fd);
  return texts;
}
