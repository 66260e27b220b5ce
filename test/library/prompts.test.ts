import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorpusError, loadCorpus, type Corpus } from '../../src/library/corpus.js';
import { checkPrompts, choosePrompt, hash, loadPrompts, parsePrompts, type PromptSet } from '../../src/library/prompts.js';
import { extractQuotes, type Quote } from '../../src/library/quotes.js';
import { resolveReference } from '../../src/library/references.js';

let corpus: Corpus;
let quotes: Quote[];
let set: PromptSet;

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  quotes = extractQuotes(corpus);
  set = await loadPrompts('corpus', corpus, quotes);
});

const quoteAt = (ref: string, words: string) => quotes.find((quote) => quote.ref === ref && quote.text.includes(words))!;

describe('the curated prompts in corpus/prompts.yaml', () => {
  it('GIVEN the file THEN it has at least 30 prompts, each a question of both styles', () => {
    expect(set.file).toBe(path.join('corpus', 'prompts.yaml'));
    expect(set.prompts.length).toBeGreaterThanOrEqual(30);
    for (const prompt of set.prompts) {
      expect(prompt.text.endsWith('?'), prompt.text).toBe(true);
      expect(['critical', 'reflective']).toContain(prompt.style);
    }
    expect(set.prompts.filter((prompt) => prompt.style === 'reflective').length).toBeGreaterThanOrEqual(8);
  });

  it('GIVEN prompts tied to articles and passages THEN every reference resolves', () => {
    for (const prompt of set.prompts) {
      if (prompt.article) expect(corpus.byId.has(prompt.article), prompt.text).toBe(true);
      for (const ref of prompt.refs) expect(() => resolveReference(corpus, ref), ref).not.toThrow();
    }
    const tied = set.prompts.filter((prompt) => prompt.refs.length > 0);
    expect(tied.length).toBeGreaterThanOrEqual(15);
    expect(set.prompts.filter((prompt) => prompt.article && prompt.refs.length === 0).length).toBeGreaterThanOrEqual(4);
    expect(set.prompts.filter((prompt) => !prompt.article && prompt.refs.length === 0).length).toBeGreaterThanOrEqual(8);
    // Prompts that set the two texts side by side, e.g. on the CSTO troops.
    const comparing = set.prompts.filter((prompt) => new Set(prompt.refs.map((ref) => ref.split(':')[0])).size === 2);
    expect(comparing.length).toBeGreaterThanOrEqual(3);
    expect(comparing.some((prompt) => prompt.text.includes('CSTO'))).toBe(true);
  });

  it('GIVEN every quote THEN some prompt suits it in each style', () => {
    for (const quote of quotes) {
      for (const style of ['critical', 'reflective'] as const) {
        const prompt = choosePrompt(set, quote, style, 'seed');
        expect(prompt.style).toBe(style);
        expect(prompt.text.endsWith('?')).toBe(true);
      }
    }
  });
});

describe('choosePrompt', () => {
  it('GIVEN a quote from a passage with its own prompts THEN one of them is chosen', () => {
    const quote = quoteAt('former-kazakhstan:9', 'CSTO troops');
    const prompt = choosePrompt(set, quote, 'critical', 'any');
    expect(prompt.refs).toContain('former-kazakhstan:9');
  });

  it('GIVEN a prompt that needs certain words THEN it is only chosen for quotes that have them', () => {
    const other = quoteAt('why-putin-interferes:1', 'This column is not about geopolitics');
    for (let seed = 0; seed < 50; seed++) {
      const prompt = choosePrompt(set, other, 'critical', String(seed));
      if (prompt.contains) expect(prompt.contains.some((phrase) => other.text.includes(phrase))).toBe(true);
    }
  });

  it('GIVEN a quote without passage prompts of the style THEN its article, then general prompts', () => {
    const quote = quoteAt('why-putin-interferes:2', 'Berlusconi');
    const reflective = choosePrompt(set, quote, 'reflective', 'x');
    expect(reflective.refs).toEqual([]);
    expect([undefined, 'why-putin-interferes']).toContain(reflective.article);
  });

  it('GIVEN the same seed THEN the same prompt (so the preview is what is posted)', () => {
    const quote = quotes[5]!;
    expect(choosePrompt(set, quote, 'mixed', 'guild:0')).toBe(choosePrompt(set, quote, 'mixed', 'guild:0'));
  });
});

describe('loading and checking prompts files', () => {
  const file = 'corpus/prompts.yaml';

  it('GIVEN a prompt without a question mark THEN the file path and the reason', () => {
    expect(() => parsePrompts(file, 'prompts:\n  - text: What is the main claim here.\n    style: critical\n')).toThrow(
      new CorpusError(file, 'prompt 1 field "text" should end with a question mark'),
    );
  });

  it('GIVEN a bad style, an unknown field or bad YAML THEN the file path and the reason', () => {
    expect(() => parsePrompts(file, 'prompts:\n  - text: What is the claim?\n    style: angry\n')).toThrow(/corpus\/prompts\.yaml: prompt 1 field "style" should be critical or reflective/);
    expect(() => parsePrompts(file, 'prompts:\n  - text: What is the claim?\n    style: critical\n    colour: red\n')).toThrow(/corpus\/prompts\.yaml: prompt 1/);
    expect(() => parsePrompts(file, 'prompts: [')).toThrow(/corpus\/prompts\.yaml: not valid YAML/);
    expect(() => parsePrompts(file, 'questions: []')).toThrow(/corpus\/prompts\.yaml/);
  });

  it('GIVEN a reference or article that does not resolve THEN the file path and the reason', () => {
    const badRef = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [former-kazakhstan:99]\n');
    expect(() => checkPrompts(file, badRef, corpus, quotes)).toThrow(/corpus\/prompts\.yaml: prompt 1 .* reference "former-kazakhstan:99" that does not resolve/);
    const badArticle = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    article: nowhere\n');
    expect(() => checkPrompts(file, badArticle, corpus, quotes)).toThrow(/names article "nowhere"/);
    const badPhrase = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [former-kazakhstan:9]\n    contains: unicorns\n');
    expect(() => checkPrompts(file, badPhrase, corpus, quotes)).toThrow(/"contains: unicorns", which is in no quote/);
  });

  it('GIVEN a range reference THEN it stands for each of its paragraphs', () => {
    const ranged = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [why-putin-interferes:5-6]\n');
    checkPrompts(file, ranged, corpus, quotes);
    expect(ranged[0]!.refs).toEqual(['why-putin-interferes:5', 'why-putin-interferes:6']);
  });

  it('GIVEN a corpus folder without prompts.yaml THEN built-in general prompts are used', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'));
    try {
      const fallback = await loadPrompts(dir, corpus, quotes);
      expect(fallback.file).toBeUndefined();
      expect(fallback.prompts.length).toBeGreaterThan(0);
      writeFileSync(path.join(dir, 'prompts.yaml'), 'prompts:\n  - text: No question\n    style: critical\n');
      await expect(loadPrompts(dir, corpus, quotes)).rejects.toThrow(CorpusError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dailyReport for corpus:check', () => {
  it('GIVEN the shipped corpus THEN quote counts per article and a line on the prompts', async () => {
    const { dailyReport } = await import('../../src/library/report.js');
    const report = await dailyReport('corpus', corpus);
    expect([...report.quotes.keys()].sort()).toEqual(['former-kazakhstan', 'why-putin-interferes']);
    expect(report.lines[0]).toMatch(/^Prompts corpus\/prompts\.yaml: \d+ \(\d+ critical, \d+ reflective;.*\), all valid\.$/);
  });
});

describe('the choice hash', () => {
  it('GIVEN a prefix hashed once THEN continuing with the rest gives the hash of the whole text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => hash(b, hash(a)) === hash(a + b)));
    expect(hash('guild:1:ref@0')).not.toBe(hash('guild:1:ref@1'));
  });
});
