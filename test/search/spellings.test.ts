import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/library/corpus.js';
import { loadSpellings, parseSpellings } from '../../src/library/spellings.js';
import { buildSearchIndex, type SearchIndex } from '../../src/search/engine.js';
import { formTerms, Spellings } from '../../src/search/spellings.js';

let index: SearchIndex;
let shipped: Spellings;

beforeAll(async () => {
  index = buildSearchIndex(await loadCorpus('corpus'));
  shipped = await loadSpellings('corpus');
});

const refs = (query: string, spellings = shipped) => index.search(query, { spellings }).map((hit) => hit.ref);

describe('Spellings', () => {
  const spellings = new Spellings([
    ['Almaty', 'Alma-Ata'],
    ['Saint-Just', 'Sen Just'],
  ]);

  it('reads a form as search does: folded, stemmed, common words left out', () => {
    expect(formTerms('Alma-Ata')).toEqual(['alma', 'ata']);
    expect(formTerms('the Plants')).toEqual(['plant']);
    expect(formTerms('the of')).toEqual([]);
  });

  it('gives a query word the other forms of its group, and nothing to a word in no group', () => {
    expect(spellings.othersOf(['almati', 'putin'])).toEqual([[['alma', 'ata']], []]);
  });

  it('lends the other forms of a phrase to each of its words, only where the phrase is whole and in order', () => {
    expect(spellings.othersOf(['alma', 'ata'])).toEqual([[['almati']], [['almati']]]);
    expect(spellings.othersOf(['ata', 'alma'])).toEqual([[], []]);
    expect(spellings.othersOf(['sen', 'just', 'robespierr'])).toEqual([[['saint', 'just']], [['saint', 'just']], []]);
  });

  it('adds a server’s own groups to the list, leaving the list as it was', () => {
    const more = spellings.with([['Baikonur', 'cosmodrome']]);
    expect(more.size).toBe(3);
    expect(spellings.size).toBe(2);
    expect(more.othersOf(['cosmodrom'])).toEqual([[['baikonur']]]);
    expect(spellings.with([])).toBe(spellings);
  });
});

describe('the spellings file', () => {
  const file = 'corpus/spellings.yaml';

  it('ships a list that passes its own checks', () => {
    expect(shipped.size).toBeGreaterThanOrEqual(25);
    expect(shipped.groups).toContainEqual(['Almaty', 'Alma-Ata']);
  });

  it.each([
    ['spellings: [', /not valid YAML/],
    ['groups: []', /"spellings" should be a list of groups, each with its forms/],
    ['spellings:\n  - forms: [Almaty]', /group 1 field "forms" should list at least two forms/],
    ['spellings:\n  - forms: [Almaty, "the of"]', /group 1 field "forms" has only common words, which search leaves out/],
    ['spellings:\n  - forms: [Saint-Just, Saint Just]', /group 1 field "forms" has "Saint Just", which search reads as "Saint-Just"/],
    ['spellings:\n  - forms: [Almaty, Alma-Ata]\n  - forms: [Alma Ata, Alma]', /group 2 has "Alma Ata", which group 1 has already/],
    ['spellings:\n  - forms: [Almaty, Alma-Ata]\n    colour: red', /group 1 Unrecognized key: "colour"/],
  ])('refuses %j with one clear sentence', (source, reason) => {
    expect(() => parseSpellings(file, source)).toThrow(reason);
  });

  it('is optional: a corpus folder without one has no other spellings', async () => {
    expect((await loadSpellings('test/fixtures')).size).toBe(0);
  });
});

describe('search with other spellings, on the shipped corpus', () => {
  it.each([
    ['Almaty', 'former-kazakhstan:5'],
    ['uranium', 'why-putin-interferes:4'],
    ['factories', 'former-kazakhstan:5'],
    ['demands', 'former-kazakhstan:4'],
    ['blackout', 'former-kazakhstan:3'],
  ])('finds %s as the texts spell it', (query, ref) => {
    expect(refs(query, Spellings.none)).not.toContain(ref);
    expect(refs(query)).toContain(ref);
  });

  it('ranks the form as typed a little above its other spellings', () => {
    const hits = index.search('China', { spellings: shipped });
    const exact = hits.filter((hit) => hit.terms.includes('china'));
    const other = hits.filter((hit) => !hit.terms.includes('china'));
    expect(exact.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    expect(hits.slice(0, exact.length)).toEqual(exact);
    expect(other.every((hit) => hit.terms.includes('chines') && hit.score < exact.at(-1)!.score)).toBe(true);
  });

  it('matches a form of several words only where every word is', () => {
    const hits = index.search('USSR', { spellings: shipped });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.terms).toEqual(expect.arrayContaining(['soviet', 'union']));
    expect(refs('Sen Just')).toEqual(refs('Saint-Just').slice(0, 1));
    expect(index.search('Saint-Just', { spellings: shipped })[0]!.terms.sort()).toEqual(['just', 'sen']);
  });

  it('counts two spellings of one name in a query as one word', () => {
    const one = index.search('Nazarbayev', { spellings: shipped });
    const both = index.search('Nazarbayev Nazarbaev', { spellings: shipped });
    expect(both.map((hit) => hit.ref)).toEqual(one.map((hit) => hit.ref));
    expect(both.map((hit) => hit.score)).toEqual(one.map((hit) => hit.score));
  });

  it('applies a server’s own spellings to that search only', () => {
    expect(refs('cosmodrome')).toEqual([]);
    expect(refs('cosmodrome', shipped.with([['Baikonur', 'cosmodrome']]))).toEqual(['why-putin-interferes:4']);
  });
});
