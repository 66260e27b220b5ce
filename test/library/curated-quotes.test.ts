import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusError, loadCorpus, type Corpus } from '../../src/library/corpus.js';
import { loadQuotes, OMISSION, parseCuratedQuotes } from '../../src/library/curated-quotes.js';
import { extractQuotes, QUOTE_MAX_CHARS, type Quote } from '../../src/library/quotes.js';

let corpus: Corpus;
let extracted: Quote[];
const dirs: string[] = [];

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  extracted = extractQuotes(corpus);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const FILE = 'corpus/quotes.yaml';
const parse = (yaml: string) => () => parseCuratedQuotes(FILE, yaml, corpus);
const one = (ref: string, text: string) => `quotes:\n  - ref: ${ref}\n    text: ${JSON.stringify(text)}\n`;

describe('the curated quotes in corpus/quotes.yaml', () => {
  it('GIVEN the shipped file THEN both articles are curated, and every quote is its paragraph verbatim, piece by piece, within 300 characters', async () => {
    const set = await loadQuotes('corpus', corpus, extracted);
    expect(set.file).toBe(path.join('corpus', 'quotes.yaml'));
    expect([...set.curated].sort()).toEqual(['former-kazakhstan', 'why-putin-interferes']);
    expect(set.quotes.length).toBeGreaterThanOrEqual(40);
    expect(new Set(set.quotes.map((quote) => quote.id)).size).toBe(set.quotes.length);
    for (const quote of set.quotes) {
      const paragraph = corpus.byId.get(quote.articleId)!.paragraphs[quote.paragraph - 1]!.text;
      let from = quote.start;
      for (const piece of quote.text.split(OMISSION).map((part) => part.trim()).filter(Boolean)) {
        const at = paragraph.indexOf(piece, from);
        expect(at, `${quote.id}: ${piece}`).toBeGreaterThanOrEqual(from);
        from = at + piece.length;
      }
      expect(quote.text.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
      expect(quote.sentences).toBeGreaterThanOrEqual(1);
      expect(quote.sentences).toBeLessThanOrEqual(3);
    }
  });
});

describe('checking a curated quote against its paragraph', () => {
  it('GIVEN whole sentences or a marked excerpt THEN the quote stands where its first piece does', () => {
    const [whole, excerpt] = parseCuratedQuotes(
      FILE,
      `${one('former-kazakhstan:8', 'Naturally, Kazakhstan was no exception.')}  - ref: former-kazakhstan:5\n    text: "There is only one gas liquefaction plant left for the whole of Kazakhstan […] poverty and formal slavery."\n`,
      corpus,
    );
    expect(whole!.id).toBe(`former-kazakhstan:8@${corpus.byId.get('former-kazakhstan')!.paragraphs[7]!.text.indexOf('Naturally')}`);
    expect(whole!.sentences).toBe(1);
    expect(excerpt!.text).toContain(OMISSION);
    expect(excerpt!.ref).toBe('former-kazakhstan:5');
  });

  it('GIVEN a word changed, pieces out of order or an unknown paragraph THEN the file path and the reason', () => {
    expect(parse(one('former-kazakhstan:8', 'Naturally, Kazakhstan was an exception.'))).toThrow(
      new CorpusError(FILE, 'quote 1 (former-kazakhstan:8) is not verbatim: "Naturally, Kazakhstan was an exception." is not in the paragraph'),
    );
    expect(parse(one('former-kazakhstan:8', 'Naturally, Kazakhstan was no exception. […] Culture, and not only Russian […]'))).toThrow(/is not verbatim: "Culture, and not only Russian" is out of order/);
    expect(parse(one('former-kazakhstan:99', 'Anything.'))).toThrow(/quote 1 \(former-kazakhstan:99\) names a paragraph that is not in the corpus/);
    expect(parse(one('former-kazakhstan', 'Anything.'))).toThrow(/quote 1 field "ref" should be one paragraph/);
  });

  it('GIVEN a cut that is not marked, or a mark where nothing is cut THEN the reason says what to do', () => {
    expect(parse(one('former-kazakhstan:8', 'Kazakhstan was no exception.'))).toThrow(`does not start at a sentence's start: open it with ${OMISSION}`);
    expect(parse(one('former-kazakhstan:8', 'Naturally, Kazakhstan was'))).toThrow(`does not end at a sentence's end: close it with ${OMISSION}`);
    expect(parse(one('former-kazakhstan:8', 'it is global trend. […] Naturally, Kazakhstan was no exception.'))).toThrow(/marks an omission \[…\] where nothing is left out/);
    expect(parse(one('former-kazakhstan:8', `[…] ${'x'.repeat(QUOTE_MAX_CHARS)}`))).toThrow(/quote 1 field "text" is longer than 300 characters/);
  });

  it('GIVEN more than three sentences or two quotes at one place THEN refused', () => {
    const text = corpus.byId.get('why-putin-interferes')!.paragraphs[0]!.text;
    const four = text.slice(0, text.indexOf('Why are Kazakhs')).trim();
    expect(parse(one('why-putin-interferes:1', four))).toThrow(/has 4 sentences; a quote has at most 3/);
    const twice = one('former-kazakhstan:8', 'Naturally, Kazakhstan was no exception.') + '  - ref: former-kazakhstan:8\n    text: Naturally, Kazakhstan was no exception.\n';
    expect(parse(twice)).toThrow(/quote 2 \(former-kazakhstan:8\) starts where another quote of that paragraph starts/);
  });
});

describe('loading quotes for a corpus folder', () => {
  const folder = (quotesYaml?: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quotes-'));
    dirs.push(dir);
    if (quotesYaml !== undefined) writeFileSync(path.join(dir, 'quotes.yaml'), quotesYaml);
    return dir;
  };

  it('GIVEN no quotes.yaml THEN every article keeps its automatic quotes', async () => {
    const set = await loadQuotes(folder(), corpus, extracted);
    expect(set).toEqual({ file: undefined, curated: new Set(), quotes: extracted });
  });

  it('GIVEN a file covering one article THEN that article has only its curated quotes and the other its automatic ones', async () => {
    const set = await loadQuotes(folder(one('former-kazakhstan:8', 'Naturally, Kazakhstan was no exception.')), corpus, extracted);
    expect(set.quotes.filter((quote) => quote.articleId === 'former-kazakhstan').map((quote) => quote.text)).toEqual(['Naturally, Kazakhstan was no exception.']);
    expect(set.quotes.filter((quote) => quote.articleId === 'why-putin-interferes')).toEqual(extracted.filter((quote) => quote.articleId === 'why-putin-interferes'));
  });

  it('GIVEN a bad file THEN loading fails with its path', async () => {
    const dir = folder('quotes: [');
    await expect(loadQuotes(dir, corpus, extracted)).rejects.toThrow(`${path.join(dir, 'quotes.yaml')}: not valid YAML`);
  });
});
