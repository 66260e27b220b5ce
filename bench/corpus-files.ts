import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import type { Article, Corpus } from '../src/library/corpus.js';

/** One article in the corpus format: YAML front matter, then its paragraphs separated by blank lines. */
function articleFile(article: Article): string {
  const { id, title, kind, source, language, translated_from, published, notes } = article;
  const meta = Object.fromEntries(Object.entries({ id, title, kind, source, language, translated_from, published, notes }).filter(([, value]) => value !== undefined));
  for (const { ref, text } of article.paragraphs) {
    // The loader splits on blank lines and trims, so only such a text reads back verbatim.
    if (text !== text.trim() || /\n[ \t]*\r?\n/.test(text)) throw new Error(`${ref} would not read back verbatim from a corpus file`);
  }
  return `---\n${stringifyYaml(meta)}---\n\n${article.paragraphs.map((paragraph) => paragraph.text).join('\n\n')}\n`;
}

/** Writes each article of `corpus` to `dir` as `<id>.md`: a corpus folder that the bot and `loadCorpus` read. */
export async function writeCorpusFiles(corpus: Corpus, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  // One file at a time: all at once runs out of descriptors past the process's limit.
  for (const article of corpus.articles) await writeFile(path.join(dir, `${article.id}.md`), articleFile(article));
}
