import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, loadCorpus, type Corpus } from '../../src/library/corpus.js';
import { SEARCH_CACHE_FILE, loadOrBuildSearchIndex } from '../../src/search/cache.js';
import { buildSearchIndex, type SearchIndex } from '../../src/search/engine.js';
import { normaliseTerm } from '../../src/search/terms.js';

let corpus: Corpus;
let index: SearchIndex;

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  index = buildSearchIndex(corpus);
});

const refs = (query: string, options?: { articleId?: string; limit?: number }) => index.search(query, options).map((hit) => hit.ref);

describe('search on the shipped corpus', () => {
  it('finds an exact word in both articles', () => {
    expect(refs('CSTO').sort()).toEqual(['former-kazakhstan:9', 'why-putin-interferes:5']);
  });

  it('ranks passages with every word of a phrase first', () => {
    const hits = index.search('KGB lieutenant colonel');
    expect(hits.slice(0, 2).map((hit) => hit.ref).sort()).toEqual(['why-putin-interferes:2', 'why-putin-interferes:6']);
    expect(hits[0]!.terms.sort()).toEqual(['colonel', 'kgb', 'lieuten']);
    // Passages with only some of the words follow, scored lower.
    for (const hit of hits.slice(2)) expect(hit.score).toBeLessThan(hits[1]!.score);
  });

  it('finds Nazarbayev from the misspelling Nazarbaev, in both articles', () => {
    const found = refs('Nazarbaev');
    expect(found).toEqual(expect.arrayContaining(['former-kazakhstan:4', 'former-kazakhstan:6', 'why-putin-interferes:4']));
  });

  it('finds the column’s “Nazarbaeva” from Nazarbayev, after the exact spelling', () => {
    const hits = index.search('Nazarbayev');
    expect(hits.map((hit) => hit.ref).sort()).toEqual(['former-kazakhstan:4', 'former-kazakhstan:6', 'why-putin-interferes:4']);
    expect(hits.at(-1)!.ref).toBe('why-putin-interferes:4');
    expect(hits.at(-1)!.score).toBeLessThan(hits[0]!.score);
    expect(hits.at(-1)!.terms).toEqual(['nazarbaeva']);
  });

  it('finds revolution from the typo revolutoin', () => {
    expect(refs('revolutoin').sort()).toEqual(['former-kazakhstan:7', 'why-putin-interferes:3']);
  });

  it('finds guerrilla from guerilla', () => {
    expect(refs('guerilla')).toEqual(['former-kazakhstan:7']);
  });

  it('matches word forms: protesters finds protest, protesting and protesters', () => {
    const found = refs('protesters');
    expect(found).toEqual(expect.arrayContaining(['former-kazakhstan:7', 'why-putin-interferes:1', 'why-putin-interferes:6', 'why-putin-interferes:7']));
    expect(index.search('protesters')[0]!.terms).toEqual(['protest']);
  });

  it('finds Putin in every paragraph of the column that names him', () => {
    const found = refs('Putin');
    expect(found.sort()).toEqual(
      ['why-putin-interferes:1', 'why-putin-interferes:2', 'why-putin-interferes:4', 'why-putin-interferes:5', 'why-putin-interferes:6', 'why-putin-interferes:7'].sort(),
    );
  });

  it('finds St. Petersburg in both articles', () => {
    expect(refs('St. Petersburg').sort()).toEqual(['former-kazakhstan:2', 'why-putin-interferes:6']);
  });

  it('completes a word being typed: Kaza finds Kazakhstan', () => {
    const hits = index.search('Kaza');
    expect(hits.length).toBeGreaterThan(5);
    expect(hits[0]!.terms).toContain('kazakhstan');
  });

  it('ranks a passage with every word above one with only some', () => {
    const hits = index.search('Putin coward');
    expect(hits.slice(0, 2).map((hit) => hit.ref).sort()).toEqual(['why-putin-interferes:1', 'why-putin-interferes:2']);
    expect(hits.length).toBeGreaterThan(2);
    expect(hits[2]!.score).toBeLessThan(hits[1]!.score);
  });

  it('filters by article and still returns up to the limit', () => {
    const hits = index.search('Kazakhstan', { articleId: 'why-putin-interferes' });
    expect(hits.length).toBeGreaterThan(3);
    expect(hits.every((hit) => hit.articleId === 'why-putin-interferes')).toBe(true);
    expect(index.search('Kazakhstan', { articleId: 'why-putin-interferes', limit: 2 })).toHaveLength(2);
    expect(refs('CSTO', { articleId: 'former-kazakhstan' })).toEqual(['former-kazakhstan:9']);
    expect(refs('Putin', { articleId: 'former-kazakhstan' })).toEqual([]);
    expect(refs('Putin', { articleId: 'no-such-article' })).toEqual([]);
  });

  it('respects the limit', () => {
    expect(index.search('Kazakhstan', { limit: 3 })).toHaveLength(3);
  });

  it('returns nothing for a word that is nowhere', () => {
    expect(index.search('xyzzyq')).toEqual([]);
  });

  it('never throws on odd input', () => {
    const odd = ['', '   ', '\n\t', '.*+?^${}()|[]\\', '😀🔥', '😀 Putin', 'x'.repeat(6000), 'Putin '.repeat(1000), '\u0000\uffff', "'''", 'the of and'];
    for (const query of odd) expect(() => index.search(query)).not.toThrow();
    expect(index.search('')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search('.*+?^${}()|[]\\')).toEqual([]);
    expect(refs('😀 Putin')).toContain('why-putin-interferes:1');
  });

  it('normalises words the way the index does, for highlighting', () => {
    expect(normaliseTerm('Protesters')).toBe('protest');
    expect(index.normalise('Nazarbayev’s')).toBe('nazarbayev');
    expect(index.normalise('the')).toBeNull();
    const hit = index.search('revolutoin')[0]!;
    expect(hit.terms).toEqual(['revolut']);
    expect(index.normalise('revolution')).toBe('revolut');
  });
});

describe('search index cache', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'marginalia-search-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const queries = ['CSTO', 'Nazarbaev', 'Putin coward', 'Kaza', 'protesters'];

  it('builds, then loads the second time from the cache with the same results', async () => {
    const first = await loadOrBuildSearchIndex(corpus, { cacheDir: dir });
    expect(first.source).toBe('built');
    const second = await loadOrBuildSearchIndex(corpus, { cacheDir: dir });
    expect(second.source).toBe('cache');
    for (const query of queries) expect(second.index.search(query)).toEqual(first.index.search(query));
    expect(second.index.search('Kazakhstan', { articleId: 'former-kazakhstan' })).toEqual(first.index.search('Kazakhstan', { articleId: 'former-kazakhstan' }));
  });

  it('rebuilds when the corpus changes', async () => {
    await loadOrBuildSearchIndex(corpus, { cacheDir: dir });
    const [first, ...rest] = corpus.articles;
    const changed = buildCorpus([
      { ...first!, paragraphs: first!.paragraphs.map((p, i) => (i === 0 ? { ...p, text: `${p.text} Zanzibar` } : p)) },
      ...rest,
    ]);
    const loaded = await loadOrBuildSearchIndex(changed, { cacheDir: dir });
    expect(loaded.source).toBe('built');
    expect(loaded.index.search('Zanzibar').map((hit) => hit.ref)).toEqual(['former-kazakhstan:1']);
    expect((await loadOrBuildSearchIndex(changed, { cacheDir: dir })).source).toBe('cache');
  });

  it('rebuilds a corrupt or truncated cache file instead of failing', async () => {
    const file = path.join(dir, SEARCH_CACHE_FILE);
    await loadOrBuildSearchIndex(corpus, { cacheDir: dir });
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0xff;
    for (const damaged of [flipped, bytes.subarray(0, bytes.length >> 1), Buffer.from('not an index'), Buffer.alloc(0)]) {
      await writeFile(file, damaged);
      const warnings: string[] = [];
      const loaded = await loadOrBuildSearchIndex(corpus, {
        cacheDir: dir,
        logger: { info: () => {}, warn: (_details, message) => warnings.push(message) },
      });
      expect(loaded.source).toBe('built');
      expect(loaded.index.search('CSTO').map((hit) => hit.ref).sort()).toEqual(['former-kazakhstan:9', 'why-putin-interferes:5']);
    }
    expect((await loadOrBuildSearchIndex(corpus, { cacheDir: dir })).source).toBe('cache');
  });

  it('still works when the cache cannot be written', async () => {
    const blocked = path.join(dir, 'a-file');
    await writeFile(blocked, 'x');
    const loaded = await loadOrBuildSearchIndex(corpus, { cacheDir: path.join(blocked, 'sub') });
    expect(loaded.source).toBe('built');
    expect(loaded.index.search('CSTO')).toHaveLength(2);
  });
});
