import { loadCorpus, readingMinutes } from './corpus.js';
import { dailyReport } from './report.js';

/** Validates the corpus folder (articles and prompts) and describes it. Throws CorpusError on a bad file. */
export async function checkCorpus(dir: string): Promise<string> {
  const corpus = await loadCorpus(dir);
  const daily = await dailyReport(dir, corpus);
  const lines = corpus.articles.map(
    (article) =>
      `${article.id}: ${article.paragraphs.length} paragraphs, ${daily.quotes.get(article.id) ?? 0} quotes, ${article.words} words, about ${readingMinutes(article)} min (${article.file})`,
  );
  return [`Corpus ${dir}: ${corpus.articles.length} articles, ${corpus.passages.length} paragraphs, all valid.`, ...lines, ...daily.lines].join('\n');
}
