import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/lib/errors.js';
import { loadCorpus, type Article, type Corpus } from '../../src/library/corpus.js';
import { completeReference, formatRef, resolveReference } from '../../src/library/references.js';

// The articles alone: references do not depend on the quotes and prompts.
const corpus = await loadCorpus('corpus');

function refusal(input: string): string {
  try {
    resolveReference(corpus, input);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`expected ${input} to be refused`);
}

const shown = (input: string) => {
  const { article, from, to } = resolveReference(corpus, input);
  return formatRef(article.id, from, to);
};
const completed = (input: string, source = corpus) => completeReference(source, input, 25).map(({ article, from, to }) => formatRef(article.id, from, to));

/** A library whose titles start alike, to see names that fit several articles. */
function corpusOf(titles: Record<string, string>): Corpus {
  const articles = Object.entries(titles).map(([id, title]): Article => ({
    id,
    title,
    kind: 'column',
    file: `${id}.md`,
    words: 3,
    paragraphs: [1, 2, 3].map((paragraph) => ({ ref: `${id}:${paragraph}`, articleId: id, paragraph, text: `Paragraph ${paragraph} of ${id}.` })),
  }));
  return { articles, byId: new Map(articles.map((article) => [article.id, article])), passages: articles.flatMap((article) => article.paragraphs) };
}

describe('passage references', () => {
  it('GIVEN every paragraph reference THEN it resolves to that paragraph', () => {
    for (const passage of corpus.passages) {
      expect(resolveReference(corpus, passage.ref).passages).toEqual([passage]);
    }
  });

  it('GIVEN a range, spaces or an en dash THEN the paragraphs in between come back', () => {
    expect(resolveReference(corpus, 'why-putin-interferes:2-3').passages.map((p) => p.paragraph)).toEqual([2, 3]);
    expect(resolveReference(corpus, ' Former-Kazakhstan : 4 – 6 ').passages.map((p) => p.ref)).toEqual([
      'former-kazakhstan:4',
      'former-kazakhstan:5',
      'former-kazakhstan:6',
    ]);
  });

  it.each([
    ['former-kazakhstan', 'former-kazakhstan:1'],
    ['FORMER-KAZAKHSTAN:', 'former-kazakhstan:1'],
    ['former-kazakhstan 2', 'former-kazakhstan:2'],
    ['former-kazakhstan 2-4', 'former-kazakhstan:2-4'],
    ['former-kazakhstan  2 - 4', 'former-kazakhstan:2-4'],
    ['former', 'former-kazakhstan:1'],
    ['former kazakhstan 3', 'former-kazakhstan:3'],
    ['why putin', 'why-putin-interferes:1'],
    ['Why is Putin 5', 'why-putin-interferes:5'],
    ['why putin:2-3', 'why-putin-interferes:2-3'],
    ['The former Kazakhstan', 'former-kazakhstan:1'],
    ['the former kazakhstan ceased 6', 'former-kazakhstan:6'],
  ])('GIVEN %j as people type it THEN it opens %s', (input, ref) => {
    expect(shown(input)).toBe(ref);
  });

  it('GIVEN words that are not the first words of a title THEN they name no article', () => {
    for (const input of ['putin', 'kazakhstan', 'former putin', 'interfering']) expect(refusal(input)).toContain('is not a passage reference');
  });

  it('GIVEN a paragraph past the end THEN the message names the valid range and the nearest reference', () => {
    const message = refusal('former-kazakhstan:99');
    expect(message).toContain('paragraphs 1 to 9');
    expect(message).toContain('`former-kazakhstan:9`');
  });

  it('GIVEN a range past the end THEN one sentence offers the range cut at the last paragraph', () => {
    const message = refusal('former-kazakhstan:2-99');
    expect(message).toBe('`former-kazakhstan` has paragraphs 1 to 9, not 2-99: try `former-kazakhstan:2-9`.');
    expect(refusal('why putin 0-3')).toContain('try `why-putin-interferes:1-3`');
  });

  it('GIVEN nonsense THEN the message explains the shape and gives an example reference', () => {
    const message = refusal('nonsense');
    expect(message).toContain('`<article>:<paragraph>`');
    expect(message).toMatch(/`(former-kazakhstan|why-putin-interferes):1`/);
    expect(message).not.toContain('\n');
  });

  it('GIVEN a misspelled article THEN the nearest reference is suggested', () => {
    expect(refusal('former-kazakstan:2')).toContain('did you mean `former-kazakhstan:2`?');
    expect(refusal('former-kazakstan 2-99')).toContain('did you mean `former-kazakhstan:2-9`?');
  });

  it('GIVEN a name that fits several articles THEN it is refused naming them, and an exact id still wins', () => {
    const alike = corpusOf({ 'the-war': 'The war at home', 'the-war-abroad': 'The war abroad', peace: 'The peace' });
    expect(() => resolveReference(alike, 'war')).toThrow('`war` fits several articles: write one of `the-war`, `the-war-abroad`.');
    expect(resolveReference(alike, 'the-war 2').article.id).toBe('the-war');
    expect(resolveReference(alike, 'The war').article.id).toBe('the-war');
    expect(resolveReference(alike, 'war abroad').article.id).toBe('the-war-abroad');
    expect(resolveReference(corpusOf({ resume: 'Résumé of the war' }), 'resume of 2').from).toBe(2);
  });

  it('GIVEN a long run of spaces THEN the answer still comes at once', () => {
    const started = performance.now();
    expect(() => resolveReference(corpus, `a${' '.repeat(50_000)}b 2`)).toThrow(UserError);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('GIVEN a backwards range or paragraph 0 THEN it is refused with a corrected reference', () => {
    expect(refusal('why-putin-interferes:3-2')).toContain('`why-putin-interferes:2-3`');
    expect(refusal('why-putin-interferes:0')).toContain('paragraphs 1 to 7');
  });
});

describe('completing a reference being typed', () => {
  it('GIVEN the start of an id or of a title THEN the paragraphs of that article are offered in order, nothing else', () => {
    const paragraphs = Array.from({ length: 9 }, (_, i) => `former-kazakhstan:${i + 1}`);
    expect(completed('former')).toEqual(paragraphs);
    expect(completed('The former')).toEqual(paragraphs);
    expect(completed('why putin')).toEqual(Array.from({ length: 7 }, (_, i) => `why-putin-interferes:${i + 1}`));
  });

  it('GIVEN a paragraph or a range being written THEN the references it can become, kept inside the article', () => {
    expect(completed('former-kazakhstan 4')).toEqual(['former-kazakhstan:4']);
    expect(completed('former-kazakhstan:7-')).toEqual(['former-kazakhstan:7-8', 'former-kazakhstan:7-9']);
    expect(completed('former-kazakhstan:2-9')).toEqual(['former-kazakhstan:2-9']);
    expect(completed('former-kazakhstan:2-99')).toEqual(['former-kazakhstan:2-9']);
    expect(completed('former-kazakhstan:99')).toEqual(['former-kazakhstan:9']);
    expect(completed('why-putin-interferes:5-2')).toEqual(['why-putin-interferes:2-5']);
  });

  it('GIVEN words that name no article THEN nothing is completed, and the limit is kept', () => {
    expect(completed('Baikonur')).toEqual([]);
    expect(completeReference(corpus, 'former', 4)).toHaveLength(4);
    const alike = corpusOf({ 'the-war': 'The war at home', 'the-war-abroad': 'The war abroad' });
    expect(completed('war', alike)).toEqual(['the-war:1', 'the-war:2', 'the-war:3', 'the-war-abroad:1', 'the-war-abroad:2', 'the-war-abroad:3']);
  });
});
