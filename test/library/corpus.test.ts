import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CorpusError, loadCorpus, parseArticle, readingMinutes, speakerOf } from '../../src/library/corpus.js';

const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');

/** Checksums of the seed texts, recorded once from the seed files as given (see its `_about`). */
interface SeedParagraph {
  ref: string;
  sha256: string;
  length: number;
}
const seedFixture = JSON.parse(readFileSync(new URL('../fixtures/seed-paragraphs.json', import.meta.url), 'utf8')) as {
  articles: Record<string, { seed: { file: string; sha256: string }; paragraphs: SeedParagraph[] }>;
};
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the shipped corpus', () => {
  it('GIVEN the corpus folder THEN both articles load with 9 and 7 paragraphs', async () => {
    const corpus = await loadCorpus('corpus');
    expect(corpus.articles.map((a) => [a.id, a.kind, a.paragraphs.length])).toEqual([
      ['former-kazakhstan', 'interview', 9],
      ['why-putin-interferes', 'column', 7],
    ]);
    expect(corpus.passages).toHaveLength(16);
  });

  it('GIVEN the interview THEN its front matter says who speaks in each paragraph and that the questions are missing', async () => {
    const interview = (await loadCorpus('corpus')).byId.get('former-kazakhstan')!;
    expect(interview.paragraphs.map((passage) => speakerOf(interview, passage.paragraph))).toEqual([
      "the editors' standfirst",
      'the journalist',
      ...Array(7).fill('Marat Isenov'),
    ]);
    expect(interview.notes).toMatch(/interviewer's questions are not in the text/);
  });

  it('GIVEN the interview THEN its standfirst is paragraph 1 and caption, source line and comment form are gone', async () => {
    const article = (await loadCorpus('corpus')).byId.get('former-kazakhstan')!;
    expect(article.paragraphs[0]!.text).toBe('Marat Isenov spoke about the training camps of militants who flourished in the country');
    expect(article.paragraphs[8]!.text).toMatch(/^– The introduction of CSTO troops/);
    expect(article.source).toBe('www.mk.ru');
    expect(article.published).toBeUndefined();
    const all = article.paragraphs.map((p) => p.text).join('\n');
    for (const dropped of ['center of Alma-Ata', 'Leave a Reply', 'Your email address', 'Источник']) expect(all).not.toContain(dropped);
  });

  it('GIVEN the seed files THEN every paragraph is verbatim text of its seed, typos included', async () => {
    const corpus = await loadCorpus('corpus');
    // Same articles, and per article the same paragraphs in the same order, each hashing to its seed substring.
    expect(corpus.articles.map((a) => a.id)).toEqual(Object.keys(seedFixture.articles));
    for (const article of corpus.articles) {
      const actual = article.paragraphs.map((p) => ({ ref: p.ref, sha256: sha256(p.text), length: p.text.length }));
      expect(actual, `${article.id} no longer matches its seed ${seedFixture.articles[article.id]?.seed.file}`).toEqual(
        seedFixture.articles[article.id]?.paragraphs,
      );
    }
    expect(corpus.byId.get('why-putin-interferes')!.paragraphs[3]!.text).toContain('Nursultan Nazarbaeva key link');
    expect(corpus.byId.get('why-putin-interferes')!.title).toBe('Why is Putin interfering in Kazakhstan’s affairs?');
  });

  it('GIVEN an article THEN its reading time follows its word count', async () => {
    const corpus = await loadCorpus('corpus');
    expect(readingMinutes(corpus.byId.get('former-kazakhstan')!)).toBe(2);
    expect(readingMinutes(corpus.byId.get('why-putin-interferes')!)).toBe(7);
  });
});

describe('malformed corpus files', () => {
  const good = '---\nid: sample\ntitle: A sample\nkind: essay\n---\n\nFirst paragraph.\n\nSecond paragraph.\n';

  it.each([
    ['no front matter', 'Just text.\n', /no front matter/],
    ['a bad id', good.replace('id: sample', 'id: Not A Slug'), /field "id" should be a lowercase slug/],
    ['a missing title', good.replace('title: A sample\n', ''), /field "title"/],
    ['an unknown field', good.replace('kind: essay', 'kind: essay\nauthor: Someone'), /front matter Unrecognized key: "author"/],
    ['an invented date format', good.replace('kind: essay', 'kind: essay\npublished: last week'), /field "published"/],
    ['no paragraphs', '---\nid: sample\ntitle: A sample\nkind: essay\n---\n', /no paragraphs/],
    ['broken YAML', '---\nid: [sample\n---\n\nText.\n', /not valid YAML/],
    ['speakers of a paragraph it lacks', good.replace('kind: essay', 'kind: essay\nspeakers:\n  3: the editors'), /field "speakers" names paragraphs 3, but the article has paragraphs 1-2/],
    ['a paragraph with two speakers', good.replace('kind: essay', 'kind: essay\nspeakers:\n  1: the editors\n  1-2: the poet'), /field "speakers" names paragraph 1 twice/],
    ['a speakers key that is not a paragraph', good.replace('kind: essay', 'kind: essay\nspeakers:\n  first: the editors'), /field "speakers" has "first", which is not a paragraph number, a range like "3-9", or "default"/],
  ])('GIVEN %s THEN it is refused with the reason', (_name, source, reason) => {
    expect(() => parseArticle('corpus/sample.md', source)).toThrow(CorpusError);
    expect(() => parseArticle('corpus/sample.md', source)).toThrow(reason);
  });

  it('GIVEN a valid file with a published date THEN the date is kept as YYYY-MM-DD', () => {
    const article = parseArticle('x.md', good.replace('kind: essay', 'kind: essay\npublished: 2022-01-06'));
    expect(article.published).toBe('2022-01-06');
    expect(article.paragraphs.map((p) => p.ref)).toEqual(['sample:1', 'sample:2']);
  });

  it('GIVEN speakers for paragraphs, ranges and a default THEN each paragraph has its speaker; without the field, none', () => {
    const article = parseArticle('x.md', `${good.replace('kind: essay', 'kind: interview\nspeakers:\n  1: the editors\' standfirst\n  default: the poet')}\nThird.\n`);
    expect([1, 2, 3].map((paragraph) => speakerOf(article, paragraph))).toEqual(["the editors' standfirst", 'the poet', 'the poet']);
    const ranged = parseArticle('y.md', `${good.replace('kind: essay', 'kind: interview\nspeakers:\n  2-3: the poet')}\nThird.\n`);
    expect([1, 2, 3].map((paragraph) => speakerOf(ranged, paragraph))).toEqual([undefined, 'the poet', 'the poet']);
    expect(speakerOf(parseArticle('z.md', good), 1)).toBeUndefined();
  });

  it('GIVEN two files with one id THEN the second is refused naming both', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'corpus-'));
    writeFileSync(path.join(dir, 'a.md'), good);
    writeFileSync(path.join(dir, 'b.md'), good);
    await expect(loadCorpus(dir)).rejects.toThrow(/b\.md: article id "sample" is already used by .*a\.md/);
  });

  it('GIVEN corpus:check THEN the shipped corpus passes and a malformed file fails with its path and reason', async () => {
    const ok = await run(tsx, ['src/corpus-check.ts'], { encoding: 'utf8' });
    expect(ok.stdout).toContain('former-kazakhstan: 9 paragraphs');
    expect(ok.stdout).toContain('why-putin-interferes: 7 paragraphs');

    const dir = mkdtempSync(path.join(tmpdir(), 'corpus-'));
    writeFileSync(path.join(dir, 'broken.md'), good.replace('kind: essay\n', ''));
    const failed = await run(tsx, ['src/corpus-check.ts', dir], { encoding: 'utf8' }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr.trim()).toBe(`marginalia: ${path.join(dir, 'broken.md')}: front matter field "kind" is missing`);
  });
});

describe('a corpus of many files', () => {
  // Node raises its soft descriptor limit to the hard one, so the limit is lowered with `ulimit -n` (both).
  const underLimit = (limit: number, command: string, args: string[]) =>
    run('bash', ['-c', `ulimit -n ${limit} && exec "$@"`, 'bash', command, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

  it('GIVEN 1,000 article files and 256 descriptors THEN corpus:check reads them all, where opening them at once runs out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'corpus-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (let i = 1; i <= 1_000; i++) writeFileSync(path.join(dir, `a${i}.md`), `---\nid: a${i}\ntitle: Article ${i}\nkind: essay\n---\n\nText of article ${i}.\n`);

    // The old loader's reads, under the same limit: the limit is real.
    const allAtOnce = `const fs = require('node:fs/promises'); fs.readdir(process.argv[1]).then((names) => Promise.all(names.map((name) => fs.readFile(process.argv[1] + '/' + name))));`;
    await expect(underLimit(256, process.execPath, ['-e', allAtOnce, dir])).rejects.toMatchObject({ stderr: expect.stringContaining('EMFILE') });

    const { stdout } = await underLimit(256, tsx, ['src/corpus-check.ts', dir]);
    expect(stdout).toContain('a1: 1 paragraphs');
    expect(stdout).toContain('a1000: 1 paragraphs');
  });
});
