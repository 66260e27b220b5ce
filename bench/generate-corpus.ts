import type { Article, Corpus } from '../src/library/corpus.js';
import { buildCorpus } from '../src/library/corpus.js';
import { foldWord, tokenize } from '../src/search/terms.js';

/**
 * A large corpus for benchmarks, shaped like real prose so that search meets it the
 * way it meets real articles:
 *
 * - Word frequencies follow Zipf's law: the rank of each word drawn is inverse-CDF
 *   sampled for exponent 1, over a vocabulary of the shipped articles' words (ranked by
 *   how often they occur there, so stop words lead) followed by invented words. The
 *   vocabulary grows like Heaps' law (about 30·√tokens words), as a real collection's does.
 * - Words cluster by article: each article has a dozen topic words it repeats.
 * - Sentences of 6-24 words, capitalised, with commas and full stops; paragraphs of
 *   40-160 words.
 *
 * Deterministic for a given seed (mulberry32: 32-bit state kept exact with
 * `Math.imul`, unlike a float LCG that loses precision and cycles).
 */
export function generateCorpus(seedCorpus: Corpus, articleCount: number, paragraphsPerArticle = 10, seed = 42): Corpus {
  const random = mulberry32(seed);
  const int = (below: number) => Math.floor(random() * below);

  const tokens = articleCount * paragraphsPerArticle * 100;
  const vocabulary = rankedSeedWords(seedCorpus);
  const inventedCount = Math.max(1000, Math.round(30 * Math.sqrt(tokens)));
  const known = new Set(vocabulary);
  const size = vocabulary.length + inventedCount;
  while (vocabulary.length < size) {
    const word = inventWord(int);
    if (known.has(word)) continue;
    known.add(word);
    vocabulary.push(word);
  }
  const logSize = Math.log(vocabulary.length + 1);
  // Zipf, exponent 1: P(rank ≤ r) ≈ ln(r + 1) / ln(V + 1).
  const zipf = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(random() * logSize)) - 1)]!;

  const capitalised = new Map<string, string>();
  const capital = (word: string) => {
    let cap = capitalised.get(word);
    if (cap === undefined) capitalised.set(word, (cap = word.charAt(0).toUpperCase() + word.slice(1)));
    return cap;
  };
  const paragraph = (topics: string[]) => {
    let text = '';
    let left = 40 + int(121);
    while (left > 0) {
      const sentence = Math.min(left, 6 + int(19));
      left -= sentence;
      for (let i = 0; i < sentence; i++) {
        const word = random() < 0.06 ? topics[int(topics.length)]! : zipf();
        if (i > 0) text += ' ';
        text += i === 0 ? capital(word) : word;
        if (i === sentence - 1) text += '.';
        else if (random() < 0.06) text += ',';
      }
      if (left > 0) text += ' ';
    }
    return text;
  };

  const articles: Article[] = Array.from({ length: articleCount }, (_, index) => {
    const id = `generated-${index + 1}`;
    // Topic words from below the commonest hundred: names and subjects, not "the".
    const topics = Array.from({ length: 12 }, () => vocabulary[100 + int(vocabulary.length - 100)]!);
    const paragraphs = Array.from({ length: paragraphsPerArticle }, (_, p) => ({
      ref: `${id}:${p + 1}`,
      articleId: id,
      paragraph: p + 1,
      text: paragraph(topics),
    }));
    const words = paragraphs.reduce((sum, p) => sum + p.text.split(' ').length, 0);
    return { id, title: `Generated article ${index + 1}`, kind: 'generated', file: `${id}.md`, paragraphs, words };
  });
  return buildCorpus(articles);
}

export interface CorpusStats {
  paragraphs: number;
  distinctParagraphs: number;
  /** Distinct folded words (lower case, accents dropped). */
  vocabulary: number;
  tokens: number;
}

/** Counted from the texts themselves, so a degenerate generator shows. */
export function corpusStats(corpus: Pick<Corpus, 'passages'>): CorpusStats {
  const texts = new Set<string>();
  // Token → folded word: folding is the slow part, and tokens repeat.
  const folded = new Map<string, string>();
  let tokens = 0;
  for (const passage of corpus.passages) {
    texts.add(passage.text);
    for (const token of tokenize(passage.text)) {
      if (!folded.has(token)) folded.set(token, foldWord(token));
      tokens++;
    }
  }
  return { paragraphs: corpus.passages.length, distinctParagraphs: texts.size, vocabulary: new Set(folded.values()).size, tokens };
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed articles' distinct words, commonest first (ties alphabetical). */
function rankedSeedWords(seedCorpus: Corpus): string[] {
  const counts = new Map<string, number>();
  for (const passage of seedCorpus.passages) {
    for (const token of tokenize(passage.text)) {
      const word = foldWord(token);
      if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
}

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'ch', 'sh', 'kh', 'br', 'st', 'tr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'o', 'ia', 'ou'];
const CODAS = ['', '', '', '', 'n', 'r', 'l', 's', 'k', 'm'];
const ENDINGS = ['', '', '', '', '', '', 'ov', 'ism', 'ist', 'sk', 'ian', 'ed', 'ing', 'ers', 'ity'];

/** A pronounceable invented word of 2 or 3 syllables (about 7 letters), sometimes with an English or Slavic ending. */
function inventWord(int: (below: number) => number): string {
  let word = '';
  const syllables = int(4) === 0 ? 3 : 2;
  for (let i = 0; i < syllables; i++) word += ONSETS[int(ONSETS.length)]! + VOWELS[int(VOWELS.length)]! + CODAS[int(CODAS.length)]!;
  return word + ENDINGS[int(ENDINGS.length)]!;
}
