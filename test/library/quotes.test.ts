import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, loadCorpus, parseArticle, type Corpus } from '../../src/library/corpus.js';
import { QUOTE_MAX_CHARS, extractQuotes, passagesWithoutQuotes, quoteCounts, type Quote } from '../../src/library/quotes.js';
import { splitSentences } from '../../src/library/sentences.js';

let corpus: Corpus;
let quotes: Quote[];

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  quotes = extractQuotes(corpus);
});

const sentencesOf = (text: string) => splitSentences(text).map((span) => text.slice(span.start, span.end));

describe('splitSentences on the verbatim text', () => {
  it('GIVEN abbreviations THEN St. Petersburg and Bush Jr. do not end a sentence', () => {
    expect(sentencesOf('He lives in St. Petersburg since 2007. He writes.')).toEqual(['He lives in St. Petersburg since 2007.', 'He writes.']);
    expect(sentencesOf('Chirac, Bush Jr. and the like. No one else.')).toEqual(['Chirac, Bush Jr. and the like.', 'No one else.']);
  });

  it('GIVEN a missing space after ? or . THEN a lower-case word continues, a capital starts anew', () => {
    expect(sentencesOf('Why did they intervene in affairs?despite the fact that nobody asked? Because.')).toEqual([
      'Why did they intervene in affairs?despite the fact that nobody asked?',
      'Because.',
    ]);
    expect(sentencesOf('Despite the lack of UN protection.But the only certainty is fear.')).toEqual([
      'Despite the lack of UN protection.',
      'But the only certainty is fear.',
    ]);
  });

  it('GIVEN ellipses THEN a capital after them starts a sentence, and the ellipsis stays with the one before', () => {
    expect(sentencesOf('A citizen of Russia … His sister stayed.')).toEqual(['A citizen of Russia …', 'His sister stayed.']);
    expect(sentencesOf('Like a wounded beast… He defended it.')).toEqual(['Like a wounded beast…', 'He defended it.']);
    expect(sentencesOf('Unsovised Russia.… Undoubtedly, forty years.')).toEqual(['Unsovised Russia.…', 'Undoubtedly, forty years.']);
    expect(sentencesOf('A small population … “Imported” ones came.')).toEqual(['A small population …', '“Imported” ones came.']);
    expect(sentencesOf('It went on.. and on.')).toEqual(['It went on.. and on.']);
  });

  it('GIVEN an interview answer THEN its opening dash is not part of the sentence; inner dashes stay', () => {
    expect(sentencesOf('– Well, you cannot call it a revolution – there are no leaders. But it may come.')).toEqual([
      'Well, you cannot call it a revolution – there are no leaders.',
      'But it may come.',
    ]);
  });

  it('GIVEN curly quotes and a doubled full stop THEN sentences end after the closing quote, without the stray stop', () => {
    expect(sentencesOf('It will lead to a “guerrilla civil war.” Naturally, nobody wants it.')).toEqual([
      'It will lead to a “guerrilla civil war.”',
      'Naturally, nobody wants it.',
    ]);
    expect(sentencesOf('It dooms them to formal slavery. .')).toEqual(['It dooms them to formal slavery.']);
  });

  it('GIVEN a line with no full stop (a standfirst) THEN it is one sentence', () => {
    expect(sentencesOf('Marat Isenov spoke about the training camps')).toEqual(['Marat Isenov spoke about the training camps']);
  });
});

describe('extractQuotes on the shipped corpus', () => {
  it('GIVEN the two articles THEN both give many quotes', () => {
    const counts = quoteCounts(quotes);
    expect(counts.get('former-kazakhstan')).toBeGreaterThanOrEqual(10);
    expect(counts.get('why-putin-interferes')).toBeGreaterThanOrEqual(30);
  });

  it('GIVEN every quote THEN it is exactly a substring of its paragraph, at its offset, within 300 characters', () => {
    for (const quote of quotes) {
      const passage = corpus.passages.find((candidate) => candidate.ref === quote.ref)!;
      expect(passage, quote.id).toBeDefined();
      expect(passage.text.slice(quote.start, quote.start + quote.text.length)).toBe(quote.text);
      expect(quote.text.length).toBeGreaterThan(0);
      expect(quote.text.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
      expect(quote.sentences).toBeGreaterThanOrEqual(1);
      expect(quote.sentences).toBeLessThanOrEqual(3);
      expect(quote.id).toBe(`${quote.ref}@${quote.start}`);
    }
  });

  it('GIVEN every quote THEN it starts and ends at sentence boundaries, never mid-word', () => {
    for (const quote of quotes) {
      const passage = corpus.passages.find((candidate) => candidate.ref === quote.ref)!;
      const spans = splitSentences(passage.text);
      const first = spans.findIndex((span) => span.start === quote.start);
      const last = spans.findIndex((span) => span.end === quote.start + quote.text.length);
      expect(first, `${quote.id} starts at a sentence`).toBeGreaterThanOrEqual(0);
      expect(last, `${quote.id} ends at a sentence`).toBeGreaterThanOrEqual(first);
      expect(last - first + 1).toBe(quote.sentences);
      const before = passage.text[quote.start - 1];
      const after = passage.text[quote.start + quote.text.length];
      // After a space or an answer's dash, or straight after the full stop of `protection.But`.
      expect(before === undefined || /[\s–—.?!…”]/.test(before), `${quote.id} starts after a space`).toBe(true);
      expect(after === undefined || /\s/.test(after) || after === '.', `${quote.id} ends before a space`).toBe(true);
      expect(quote.text).not.toMatch(/^[–—-]\s/);
      expect(quote.text).toBe(quote.text.trim());
    }
  });

  it('GIVEN the quotes of one paragraph THEN they do not overlap, so no sentence repeats in a rotation', () => {
    const byRef = new Map<string, Quote[]>();
    for (const quote of quotes) byRef.set(quote.ref, [...(byRef.get(quote.ref) ?? []), quote]);
    for (const group of byRef.values()) {
      for (let i = 1; i < group.length; i++) expect(group[i]!.start).toBeGreaterThanOrEqual(group[i - 1]!.start + group[i - 1]!.text.length);
    }
  });

  it('GIVEN the shipped text THEN the tricky sentences come out whole', () => {
    const texts = quotes.map((quote) => quote.text);
    expect(texts.some((text) => text.includes('living in St. Petersburg since 2007'))).toBe(true);
    expect(texts.some((text) => text.includes('affairs?despite the fact that it was not captured by any other country?'))).toBe(true);
    expect(texts.some((text) => text.startsWith('But the only certainty that Putin wants to stop'))).toBe(true);
    expect(texts.some((text) => text.includes('Bush Jr. and the like'))).toBe(true);
    expect(texts.some((text) => text.startsWith('The introduction of CSTO troops'))).toBe(true);
  });

  it('GIVEN the shipped corpus THEN every paragraph gives a quote', () => {
    expect(passagesWithoutQuotes(corpus, quotes).map((passage) => passage.ref)).toEqual([]);
  });

  it('GIVEN a paragraph of only sentences over 300 characters THEN it gives no quote rather than a cut one', () => {
    const long = `${'word '.repeat(70).trim()} ends here.`;
    const article = parseArticle('long.md', `---\nid: long\ntitle: Long\nkind: test\n---\n\n${long} ${long}\n\nShort one. Another.\n`);
    const small = buildCorpus([article]);
    const found = extractQuotes(small);
    expect(found.map((quote) => quote.text)).toEqual(['Short one. Another.']);
    expect(passagesWithoutQuotes(small, found).map((passage) => passage.ref)).toEqual(['long:1']);
  });
});
