import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, CorpusError, loadCorpus, parseArticle, type Corpus } from '../../src/library/corpus.js';
import { checkPrompts, choosePrompt, hash, loadPrompts, parsePrompts, promptTiers, unreachablePrompts, type Prompt, type PromptSet } from '../../src/library/prompts.js';
import { loadQuotes } from '../../src/library/curated-quotes.js';
import { extractQuotes, type Quote } from '../../src/library/quotes.js';
import { resolveReference } from '../../src/library/references.js';

let corpus: Corpus;
let quotes: Quote[];
let set: PromptSet;

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  quotes = (await loadQuotes('corpus', corpus, extractQuotes(corpus))).quotes;
  set = await loadPrompts('corpus', corpus, quotes);
});

const tiedTo = (prompt: Prompt, quote: Quote) => prompt.refs.includes(quote.ref) && (prompt.contains ?? []).some((phrase) => quote.text.includes(phrase));
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
      for (const id of prompt.articles ?? []) expect(corpus.byId.has(id), prompt.text).toBe(true);
      for (const ref of prompt.refs) expect(() => resolveReference(corpus, ref), ref).not.toThrow();
    }
    const tied = set.prompts.filter((prompt) => prompt.refs.length > 0);
    expect(tied.length).toBeGreaterThanOrEqual(15);
    for (const article of corpus.articles) expect(set.prompts.some((prompt) => prompt.articles?.length === 1 && prompt.articles[0] === article.id && prompt.refs.length === 0), article.id).toBe(true);
    expect(set.prompts.filter((prompt) => !prompt.articles && prompt.refs.length === 0).length).toBeGreaterThanOrEqual(8);
    // Prompts that set the two texts side by side, e.g. on the CSTO troops.
    const comparing = set.prompts.filter((prompt) => new Set(prompt.refs.map((ref) => ref.split(':')[0])).size === 2);
    expect(comparing.length).toBeGreaterThanOrEqual(3);
    expect(comparing.some((prompt) => prompt.text.includes('CSTO'))).toBe(true);
  });

  it('GIVEN every quote THEN in each style its prompt is of the style, or tied to what the quote says', () => {
    for (const quote of quotes) {
      for (const style of ['critical', 'reflective'] as const) {
        const prompt = choosePrompt(set, quote, style, 'seed');
        expect(prompt.style === style || tiedTo(prompt, quote), `${quote.id} ${style}`).toBe(true);
        expect(prompt.text.endsWith('?')).toBe(true);
      }
    }
  });

  it('GIVEN every quote and style THEN a prompt tied to a passage is shown only with a quote that contains what it talks about', () => {
    for (const quote of quotes) {
      for (const style of ['critical', 'reflective', 'mixed'] as const) {
        for (let seed = 0; seed < 20; seed++) {
          const prompt = choosePrompt(set, quote, style, String(seed));
          if (prompt.refs.length > 0) expect(tiedTo(prompt, quote), `${quote.id}: ${prompt.text}`).toBe(true);
          else expect(prompt.articles === undefined || prompt.articles.includes(quote.articleId)).toBe(true);
        }
      }
    }
    // The cases: the Baikonur prompt under "They do not know…", the poverty one under "And the West does nothing".
    const baikonur = set.prompts.find((prompt) => prompt.text.includes('Baikonur'))!;
    expect(quotes.filter((quote) => promptTiers(set, quote, 'mixed')[0]!.includes(baikonur)).map((quote) => quote.text)).toEqual([
      expect.stringContaining('Baikonur'),
    ]);
    const poverty = set.prompts.find((prompt) => prompt.text.includes('millions of people in poverty'))!;
    for (const quote of quotes.filter((candidate) => promptTiers(set, candidate, 'mixed')[0]!.includes(poverty))) expect(quote.text).toContain('Millions of people live in poverty');
  });

  it('GIVEN the mixed style THEN every prompt can be shown; in one style, every prompt of it but article prompts, which wait for general ones to be recent', () => {
    expect(unreachablePrompts(set, quotes, 'mixed').map((prompt) => prompt.text)).toEqual([]);
    for (const style of ['critical', 'reflective'] as const) {
      expect(unreachablePrompts(set, quotes, style).filter((prompt) => prompt.style === style && prompt.articles === undefined).map((prompt) => prompt.text)).toEqual([]);
    }
  });

  it('GIVEN the reflective or critical style THEN a prompt tied to the quote is never dropped for an article prompt', () => {
    for (const quote of quotes) {
      const tied = set.prompts.filter((prompt) => tiedTo(prompt, quote));
      if (tied.length === 0) continue;
      for (const style of ['critical', 'reflective'] as const) {
        for (let seed = 0; seed < 10; seed++) {
          const prompt = choosePrompt(set, quote, style, String(seed));
          expect(prompt.articles === undefined || prompt.refs.length > 0, `${quote.id} ${style}: ${prompt.text}`).toBe(true);
        }
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
    const quote = quoteAt('why-putin-interferes:2', 'Demonstrations over rising fuel prices');
    expect(promptTiers(set, quote, 'mixed')[0]).toEqual([]);
    const reflective = choosePrompt(set, quote, 'reflective', 'x');
    expect(reflective.refs).toEqual([]);
    expect(reflective.style).toBe('reflective');
    expect(reflective.articles === undefined || reflective.articles.includes('why-putin-interferes')).toBe(true);
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
    const badRef = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [former-kazakhstan:99]\n    contains: CSTO\n');
    expect(() => checkPrompts(file, badRef, corpus, quotes)).toThrow(/corpus\/prompts\.yaml: prompt 1 .* reference "former-kazakhstan:99" that does not resolve/);
    const badArticle = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    article: nowhere\n');
    expect(() => checkPrompts(file, badArticle, corpus, quotes)).toThrow(/names article "nowhere"/);
    const badPhrase = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [former-kazakhstan:9]\n    contains: unicorns\n');
    expect(() => checkPrompts(file, badPhrase, corpus, quotes)).toThrow(/"contains: unicorns", which is in no quote/);
  });

  it('GIVEN a range reference THEN it stands for each of its paragraphs', () => {
    const ranged = parsePrompts(file, 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [why-putin-interferes:5-6]\n    contains: Putin\n');
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
    expect(report.quotes.get('former-kazakhstan')).toBe(quotes.filter((quote) => quote.articleId === 'former-kazakhstan').length);
    expect(report.lines[0]).toMatch(/^Quotes corpus\/quotes\.yaml: \d+ curated for former-kazakhstan, why-putin-interferes, all verbatim;/);
    expect(report.lines[1]).toMatch(/^Prompts corpus\/prompts\.yaml: \d+ \(\d+ critical, \d+ reflective;.*\), all valid; every one can be shown in the mixed style, \d+ of \d+ critical prompts in the critical style, \d+ of \d+ reflective prompts in the reflective style\.$/);
  });

  it('GIVEN a prompt that no quote can be shown with THEN corpus:check fails with the file and the prompt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'));
    try {
      // An article of one sentence over 300 characters, then sentences that lean on it, gives no quote.
      const long = `${'word '.repeat(70).trim()} ends here.`;
      const silent = parseArticle('silent.md', `---\nid: silent\ntitle: Silent\nkind: essay\n---\n\n${long}\n\nThey left the town after that. It rained on them all night.\n`);
      const withSilent = buildCorpus([...corpus.articles, silent]);
      const prompts = ['  - text: What does the silent text want here?\n    style: reflective\n    article: silent', '  - text: What is the main claim here?\n    style: critical'];
      writeFileSync(path.join(dir, 'prompts.yaml'), `prompts:\n${prompts.join('\n')}\n`);
      const { dailyReport } = await import('../../src/library/report.js');
      await expect(dailyReport(dir, withSilent)).rejects.toThrow(
        new CorpusError(path.join(dir, 'prompts.yaml'), 'prompt 1 ("What does the silent text want here?...") can never be shown in the mixed style: there is no quote it suits'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN a prompt with refs but no contains THEN the file is refused with the reason', () => {
    expect(() => parsePrompts('p.yaml', 'prompts:\n  - text: What is the claim here?\n    style: critical\n    refs: [former-kazakhstan:9]\n')).toThrow(
      new CorpusError('p.yaml', 'prompt 1 field "contains" is needed with "refs": the words the prompt talks about, so it is shown only with a quote that has them'),
    );
  });
});

describe('the choice hash', () => {
  it('GIVEN a prefix hashed once THEN continuing with the rest gives the hash of the whole text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => hash(b, hash(a)) === hash(a + b)));
    expect(hash('guild:1:ref@0')).not.toBe(hash('guild:1:ref@1'));
  });
});
