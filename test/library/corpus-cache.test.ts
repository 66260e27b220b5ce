import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORPUS_CACHE_FILE, CORPUS_TEXTS_FILE, loadOrParseCorpus } from '../../src/library/corpus-cache.js';
import { CorpusError, loadCorpus, type Corpus } from '../../src/library/corpus.js';
import { loadShippedLibrary } from '../../src/library/library.js';
import { extractQuotes, type Quote } from '../../src/library/quotes.js';
import { silentLogger } from '../helpers/context.js';

/** A copy of the shipped corpus folder and an empty cache folder, removed after the test. */
function folders(): { corpusDir: string; cacheDir: string; cacheFile: string; textsFile: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'corpus-cache-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const corpusDir = path.join(root, 'corpus');
  cpSync('corpus', corpusDir, { recursive: true });
  const cacheDir = path.join(root, 'cache');
  return { corpusDir, cacheDir, cacheFile: path.join(cacheDir, CORPUS_CACHE_FILE), textsFile: path.join(cacheDir, CORPUS_TEXTS_FILE) };
}

function recordingLogger() {
  const lines: Array<{ level: 'info' | 'warn'; message: string }> = [];
  return {
    lines,
    info: (_details: object, message: string) => lines.push({ level: 'info', message }),
    warn: (_details: object, message: string) => lines.push({ level: 'warn', message }),
  };
}

/**
 * What the features read of a corpus and its quotes, texts included: a loaded corpus reads
 * its texts through getters, which deep equality does not look at.
 */
function contents({ corpus, quotes }: { corpus: Corpus; quotes: Quote[] }) {
  return {
    articles: corpus.articles.map(({ paragraphs, ...article }) => ({ ...article, paragraphs: paragraphs.map(({ ref, articleId, paragraph, text }) => ({ ref, articleId, paragraph, text })) })),
    quotes: quotes.map(({ id, ref, articleId, paragraph, text, start, sentences }) => ({ id, ref, articleId, paragraph, text, start, sentences })),
  };
}

/** What a start without any cache reads: every file parsed, every quote extracted. */
async function parsedFresh(corpusDir: string) {
  const corpus = await loadCorpus(corpusDir);
  return contents({ corpus, quotes: extractQuotes(corpus) });
}

describe('the corpus cache', () => {
  it('GIVEN a second start THEN no file is parsed, and the articles and quotes are those of a fresh parse', async () => {
    const { corpusDir, cacheDir } = folders();
    const first = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(first.parsed).toBe(2);
    const second = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(second.parsed).toBe(0);
    const fresh = await parsedFresh(corpusDir);
    expect(contents(second)).toEqual(fresh);
    expect(contents(first)).toEqual(fresh);
  });

  it('GIVEN a file edited to the same size with its mtime put back THEN it alone is parsed again and its new text is served', async () => {
    const { corpusDir, cacheDir } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    const file = path.join(corpusDir, 'why-putin-interferes.md');
    const times = `${file}.times`;
    const stat = () => statSync(file, { bigint: true });
    const before = stat();
    // `touch -r` copies the times to the nanosecond, as an edit within one timestamp tick would leave them.
    execFileSync('touch', ['-r', file, times]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('Nursultan Nazarbaeva key link', 'Nursultan Nazarbaevb key link'));
    execFileSync('touch', ['-r', times, file]);
    unlinkSync(times);
    expect([stat().size, stat().mtimeNs]).toEqual([before.size, before.mtimeNs]);

    const loaded = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(loaded.parsed).toBe(1);
    expect(loaded.corpus.byId.get('why-putin-interferes')!.paragraphs[3]!.text).toContain('Nazarbaevb key link');
    expect(contents(loaded)).toEqual(await parsedFresh(corpusDir));
    expect((await loadOrParseCorpus(corpusDir, { cacheDir })).parsed).toBe(0);
  });

  it('GIVEN an article added and one removed THEN only the new one is parsed and the removed one is gone', async () => {
    const { corpusDir, cacheDir } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    unlinkSync(path.join(corpusDir, 'former-kazakhstan.md'));
    writeFileSync(path.join(corpusDir, 'added.md'), '---\nid: added\ntitle: Added\nkind: essay\n---\n\nA new first sentence. And a second one.\n\nA second paragraph.\n');

    const loaded = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(loaded.parsed).toBe(1);
    expect(loaded.corpus.articles.map((article) => article.id)).toEqual(['added', 'why-putin-interferes']);
    expect(contents(loaded)).toEqual(await parsedFresh(corpusDir));
  });

  it.each([
    ['cut short', (saved: string) => saved.slice(0, saved.length / 2)],
    ['of another format', (saved: string) => saved.replace(/"format":"[^"]*"/, '"format":"corpus 0"')],
    ['damaged but hashing right', (saved: string) => saved.replace(/"paragraphs":"[^"]*"/, `"paragraphs":"${Buffer.from(new Uint32Array([0, 999_999]).buffer).toString('base64')}"`)],
    ['with offsets that are not 32-bit numbers', (saved: string) => saved.replace(/"paragraphs":"[^"]*"/, '"paragraphs":"AAA="')],
    ['with a quote of four sentences', (saved: string) => saved.replace(/"quotes":"[^"]*"/, `"quotes":"${Buffer.from(new Uint32Array([0, 0, 10, 4]).buffer).toString('base64')}"`)],
  ])('GIVEN a cache %s THEN the files are parsed as if there were none, and the cache is rewritten', async (_name, damage) => {
    const { corpusDir, cacheDir, cacheFile } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    writeFileSync(cacheFile, damage(readFileSync(cacheFile, 'utf8')));

    const loaded = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(loaded.parsed).toBeGreaterThan(0);
    expect(contents(loaded)).toEqual(await parsedFresh(corpusDir));
    expect((await loadOrParseCorpus(corpusDir, { cacheDir })).parsed).toBe(0);
  });

  it('GIVEN a cache folder that cannot be written THEN the corpus loads and a warning says so', async () => {
    const { corpusDir, cacheDir } = folders();
    writeFileSync(cacheDir, 'a file where the folder should be');
    const logger = recordingLogger();
    const loaded = await loadOrParseCorpus(corpusDir, { cacheDir, logger });
    expect(contents(loaded)).toEqual(await parsedFresh(corpusDir));
    expect(logger.lines).toContainEqual({ level: 'warn', message: expect.stringContaining('corpus cache could not be saved') });
    expect(logger.lines).toContainEqual({ level: 'warn', message: expect.stringContaining('paragraph texts could not be saved; they are held in memory') });
  });

  it('GIVEN a malformed file after a cached start THEN it is refused with its path and reason, as without a cache', async () => {
    const { corpusDir, cacheDir } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    const file = path.join(corpusDir, 'former-kazakhstan.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: interview\n', ''));
    await expect(loadOrParseCorpus(corpusDir, { cacheDir })).rejects.toThrow(CorpusError);
    await expect(loadOrParseCorpus(corpusDir, { cacheDir })).rejects.toThrow(`${file}: front matter field "kind" is missing`);
  });
});

describe('the paragraph texts file', () => {
  /** Changes one phrase of an article file. */
  function edit(corpusDir: string) {
    const file = path.join(corpusDir, 'why-putin-interferes.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Nursultan Nazarbaev', 'Nursultan Nazarbayev'));
  }

  it('GIVEN a second start on the same files THEN it reads the texts file the first wrote', async () => {
    const { corpusDir, cacheDir, textsFile } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    const written = statSync(textsFile).ino;
    const second = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(statSync(textsFile).ino).toBe(written);
    expect(contents(second)).toEqual(await parsedFresh(corpusDir));
  });

  it('GIVEN a start, then the corpus edited and a second process started on the same cache THEN each reads its own texts, even with the cache folder removed', async () => {
    const { corpusDir, cacheDir } = folders();
    const first = await loadOrParseCorpus(corpusDir, { cacheDir });
    const firstTexts = await parsedFresh(corpusDir);
    edit(corpusDir);
    const second = await loadOrParseCorpus(corpusDir, { cacheDir });
    const secondTexts = await parsedFresh(corpusDir);
    expect(secondTexts).not.toEqual(firstTexts);
    rmSync(cacheDir, { recursive: true });
    expect(contents(first)).toEqual(firstTexts);
    expect(contents(second)).toEqual(secondTexts);
  });

  it('GIVEN CRLF line ends, characters outside the BMP and a byte that is not UTF-8 THEN the texts read back as a fresh parse reads them', async () => {
    const { corpusDir, cacheDir } = folders();
    const odd = [Buffer.from('---\r\nid: odd\r\ntitle: Odd\r\nkind: essay\r\n---\r\n\r\nA line\r\nand the next 🌍 — “quoted”. Then more.\r\n\r\nA bad byte '), Buffer.from([0xff]), Buffer.from(' here.\r\n')];
    writeFileSync(path.join(corpusDir, 'odd.md'), Buffer.concat(odd));
    await loadOrParseCorpus(corpusDir, { cacheDir });
    const second = contents(await loadOrParseCorpus(corpusDir, { cacheDir }));
    expect(second).toEqual(await parsedFresh(corpusDir));
    expect(second.articles.find((article) => article.id === 'odd')!.paragraphs.map((passage) => passage.text)).toEqual(['A line\r\nand the next 🌍 — “quoted”. Then more.', 'A bad byte \ufffd here.']);
  });

  it.each([
    ['cut short', (bytes: Buffer) => bytes.subarray(0, bytes.length - 100)],
    ['of another corpus', (bytes: Buffer) => Buffer.concat([Buffer.from('marginalia paragraph texts 0000'), bytes.subarray(31)])],
    ['grown', (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc(8)])],
  ])('GIVEN a texts file %s THEN it is written again and the texts are right', async (_name, damage) => {
    const { corpusDir, cacheDir, textsFile } = folders();
    await loadOrParseCorpus(corpusDir, { cacheDir });
    writeFileSync(textsFile, damage(readFileSync(textsFile)));
    const damaged = statSync(textsFile).ino;

    const loaded = await loadOrParseCorpus(corpusDir, { cacheDir });
    expect(loaded.parsed).toBe(0);
    expect(statSync(textsFile).ino).not.toBe(damaged);
    expect(contents(loaded)).toEqual(await parsedFresh(corpusDir));
  });
});

describe('the shipped library through the cache', () => {
  it('GIVEN a first and a second start THEN both have the same quotes, prompts and search results', async () => {
    const { corpusDir, cacheDir } = folders();
    const first = await loadShippedLibrary(corpusDir, cacheDir, silentLogger);
    const second = await loadShippedLibrary(corpusDir, cacheDir, silentLogger);
    expect(contents(second).quotes).toEqual(contents(first).quotes);
    expect(second.prompts).toEqual(first.prompts);
    expect(second.prompts.file).toBe(path.join(corpusDir, 'prompts.yaml'));
    expect(second.prompts.prompts.some((prompt) => prompt.contains !== undefined)).toBe(true);
    const refs = (library: typeof first) => library.search.search('Nazarbayev').map((match) => match.ref);
    expect(refs(second)).toEqual(refs(first));
    expect(refs(second).length).toBeGreaterThan(0);
  });

  it('GIVEN an article edited between two starts THEN the saved search index is not reused: the new word is found, the old one is not', async () => {
    const { corpusDir, cacheDir } = folders();
    const first = await loadShippedLibrary(corpusDir, cacheDir, silentLogger);
    expect(first.search.search('Zyxwabble')).toEqual([]);
    const file = path.join(corpusDir, 'why-putin-interferes.md');
    // A sentence no curated quote has: those are checked verbatim at the start.
    writeFileSync(file, readFileSync(file, 'utf8').replace('during the existence of the Soviet Union', 'during the zyxwabble of the Soviet Union'));
    const second = await loadShippedLibrary(corpusDir, cacheDir, silentLogger);
    expect(second.search.search('Zyxwabble').map((match) => match.ref)).toEqual(['why-putin-interferes:4']);
    expect(second.search.search('existence').map((match) => match.ref)).not.toContain('why-putin-interferes:4');
  });
});
