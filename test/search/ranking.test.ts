import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/corpus.js';
import { buildSearchIndex, PassageSearch, type SearchIndex } from '../../src/search/engine.js';

let index: SearchIndex;

beforeAll(async () => {
  index = buildSearchIndex(await loadCorpus('corpus'));
});

const passage = (paragraph: number, text: string) => ({ ref: `t:${paragraph}`, articleId: 't', paragraph, text });

describe('passages where several query words meet', () => {
  const small = PassageSearch.build({
    passages: [
      passage(1, 'The uprising, the uprising, the uprising: nothing but the uprising in every street, uprising again.'),
      passage(2, 'A riot for bread began in the provinces, and weeks later it was an uprising.'),
      passage(3, 'Bread was scarce.'),
    ],
  });

  it('rank above a passage that repeats one of them, however often', () => {
    const hits = small.search('uprising bread');
    expect(hits.map((hit) => hit.ref)).toEqual(['t:2', 't:1', 't:3']);
    expect(hits[0]!.terms.sort()).toEqual(['bread', 'upris']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('on the shipped corpus: "bread freedom riot" opens on the passage with all three', () => {
    const hits = index.search('bread freedom riot');
    expect(hits[0]!.ref).toBe('why-putin-interferes:6');
    expect(hits[0]!.terms.sort()).toEqual(['bread', 'freedom', 'riot']);
    for (const hit of hits.slice(1)) expect(hit.terms.length).toBeLessThan(3);
  });
});

describe('short typos', () => {
  it('GIVEN a 4-letter word one edit away THEN it is found: Putn finds Putin, below the word as written', () => {
    const hits = index.search('Putn');
    expect(hits.length).toBeGreaterThanOrEqual(6);
    expect(hits.filter((hit) => hit.terms.includes('putin')).map((hit) => hit.ref).sort()).toEqual(
      ['why-putin-interferes:1', 'why-putin-interferes:2', 'why-putin-interferes:4', 'why-putin-interferes:5', 'why-putin-interferes:6', 'why-putin-interferes:7'],
    );
    expect(hits[0]!.score).toBeLessThan(index.search('Putin')[0]!.score);
  });

  it('GIVEN a 4-letter word two edits away, or a 3-letter typo, THEN nothing: too short to guess', () => {
    expect(index.search('Ptn', { limit: 50 }).some((hit) => hit.terms.includes('putin'))).toBe(false);
    expect(index.search('Pxtn', { limit: 50 }).some((hit) => hit.terms.includes('putin'))).toBe(false);
  });

  it('GIVEN a typo with another word THEN the passage with both comes first', () => {
    expect(index.search('Putn afraid')[0]!.ref).toBe('why-putin-interferes:1');
  });
});
