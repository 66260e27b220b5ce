import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/corpus.js';
import { loadSpellings } from '../../src/library/spellings.js';
import { buildSearchIndex, type SearchIndex } from '../../src/search/engine.js';
import type { Spellings } from '../../src/search/spellings.js';
import { withoutQuestionWords } from '../../src/search/terms.js';

let index: SearchIndex;
let spellings: Spellings;

beforeAll(async () => {
  index = buildSearchIndex(await loadCorpus('corpus'));
  spellings = await loadSpellings('corpus');
});

// As the bot searches: with the shipped spellings.
const search = (query: string) => index.search(query, { spellings });
const refs = (query: string) => search(query).map((hit) => hit.ref);
const matchedTerms = (query: string) => new Set(search(query).flatMap((hit) => hit.terms));

describe('question words', () => {
  it('are left out of a query that has other words, and kept when they are all there is', () => {
    expect(withoutQuestionWords(['what', 'does', 'the', 'poet', 'think', 'about', 'culture'])).toEqual(['the', 'poet', 'about', 'culture']);
    expect(withoutQuestionWords(['i', 'think'])).toEqual(['i', 'think']);
    expect(withoutQuestionWords(['why', 'does'])).toEqual(['why', 'does']);
  });

  it('GIVEN "what does the poet think about culture" THEN the passage on culture comes first, found for culture alone', () => {
    const hits = search('what does the poet think about culture');
    expect(hits[0]!.ref).toBe('former-kazakhstan:8');
    expect(matchedTerms('what does the poet think about culture')).toEqual(new Set(['cultur', 'poet']));
  });

  it('GIVEN "why are Kazakhs protesting" THEN the passages with both words come first, "why" matched nowhere', () => {
    expect(refs('why are Kazakhs protesting').slice(0, 2)).toEqual(['why-putin-interferes:1', 'why-putin-interferes:7']);
    expect(matchedTerms('why are Kazakhs protesting').has('why')).toBe(false);
  });

  it('GIVEN Find in articles on "I think Nazarbaev is to blame" THEN "I think this was…" is not first, nor found at all', () => {
    const found = refs('I think Nazarbaev is to blame');
    expect(found[0]).not.toBe('why-putin-interferes:3');
    expect(found).not.toContain('why-putin-interferes:3');
    expect(found.slice(0, 2).sort()).toEqual(['former-kazakhstan:4', 'former-kazakhstan:6']);
  });

  it('GIVEN only question words THEN they are searched: "think" still finds "I think this was…"', () => {
    expect(refs('think')).toEqual(['why-putin-interferes:3']);
    expect(refs('I think')).toEqual(['why-putin-interferes:3']);
  });
});

describe('common words', () => {
  it.each(['the', 'a', 'The', 'of'])('GIVEN "%s" being typed THEN nothing: it is not completed to "themselves" or "always"', (query) => {
    expect(search(query)).toEqual([]);
  });

  it('GIVEN a common word last after a real one THEN only the real one is searched', () => {
    const terms = matchedTerms('Putin the');
    expect(terms).toEqual(new Set(['putin']));
    expect(matchedTerms('freedom a').has('alwai')).toBe(false);
  });

  it('GIVEN the start of a word that is not a common word THEN it is still completed', () => {
    expect(matchedTerms('theor').has('theorist')).toBe(true);
    expect(matchedTerms('alw').has('alwai')).toBe(true);
  });
});
