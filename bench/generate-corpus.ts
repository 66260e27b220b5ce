import type { Article, Corpus } from '../src/library/corpus.js';
import { buildCorpus } from '../src/library/corpus.js';

/**
 * A large corpus for benchmarks: sentences drawn from the shipped articles' words
 * plus invented words, so the vocabulary is large (tens of thousands of terms) and
 * the term frequencies are skewed like real text. Deterministic for a given seed.
 */
export function generateCorpus(seedCorpus: Corpus, articleCount: number, paragraphsPerArticle = 10, seed = 42): Corpus {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const realWords = seedCorpus.passages.flatMap((passage) => passage.text.split(/\s+/));
  const syllables = ['ka', 'za', 'stan', 'ro', 'mi', 'vel', 'tor', 'an', 'ex', 'qui', 'bra', 'no', 'len', 'dur', 'si', 'pol'];
  const invented = Array.from({ length: 40_000 }, () => {
    const parts = 2 + Math.floor(random() * 3);
    return Array.from({ length: parts }, () => syllables[Math.floor(random() * syllables.length)]).join('');
  });
  // Zipf-like: real words often, invented ones rarely.
  const word = () => (random() < 0.85 ? realWords[Math.floor(random() * realWords.length)] : invented[Math.floor(random() * invented.length)])!;
  const paragraph = () => {
    const length = 90 + Math.floor(random() * 60);
    return Array.from({ length }, word).join(' ');
  };
  const articles: Article[] = Array.from({ length: articleCount }, (_, index) => {
    const id = `generated-${index + 1}`;
    const paragraphs = Array.from({ length: paragraphsPerArticle }, (_, p) => ({
      ref: `${id}:${p + 1}`,
      articleId: id,
      paragraph: p + 1,
      text: paragraph(),
    }));
    return { id, title: `Generated article ${index + 1}`, kind: 'generated', file: `${id}.md`, paragraphs, words: paragraphs.length * 120 };
  });
  return buildCorpus(articles);
}
