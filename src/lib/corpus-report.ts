import { loadCorpus, readingMinutes } from './corpus.js';

/** Validates the corpus folder and describes it, one line per article. Throws CorpusError on a bad file. */
export async function checkCorpus(dir: string): Promise<string> {
  const corpus = await loadCorpus(dir);
  const lines = corpus.articles.map(
    (article) => `${article.id}: ${article.paragraphs.length} paragraphs, ${article.words} words, about ${readingMinutes(article)} min (${article.file})`,
  );
  return [`Corpus ${dir}: ${corpus.articles.length} articles, ${corpus.passages.length} paragraphs, all valid.`, ...lines].join('\n');
}
