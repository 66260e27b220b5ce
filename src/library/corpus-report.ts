import { loadCorpus, readingMinutes } from './corpus.js';
import { dailyReport } from './report.js';
import { loadSpellings } from './spellings.js';

/** Validates the corpus folder (articles, quotes, prompts and spellings) and describes it. Throws CorpusError on a bad file. */
export async function checkCorpus(dir: string): Promise<string> {
  const corpus = await loadCorpus(dir);
  const daily = await dailyReport(dir, corpus);
  const spellings = await loadSpellings(dir);
  const lines = corpus.articles.map(
    (article) =>
      `${article.id}: ${article.paragraphs.length} paragraphs, ${daily.quotes.get(article.id) ?? 0} quotes, ${article.words} words, about ${readingMinutes(article)} min (${article.file})`,
  );
  return [`Corpus ${dir}: ${corpus.articles.length} articles, ${corpus.passages.length} paragraphs, all valid.`, ...lines, ...daily.lines, `Spellings: ${spellings.size} groups, all valid.`].join('\n');
}
