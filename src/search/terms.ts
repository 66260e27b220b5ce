import { stemmer } from 'stemmer';
import { eng as englishStopWords } from 'stopword';

/** Word normalisation shared by the index and the query: folding, stop words, stemming, tokenizing. */

const STOP_WORDS = new Set(englishStopWords);

/** Lower case, accents and possessive `'s` dropped: `Nazarbayev’s` → `nazarbayev`. */
export function foldWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^['’]+|['’]+$/g, '')
    .replace(/['’]s$/, '');
}

/** Lower case, accents folded, stop words dropped, then the Porter stem: `Protesters` → `protest`. */
export function normaliseTerm(word: string): string | null {
  return termOfFolded(foldWord(word));
}

export function termOfFolded(folded: string): string | null {
  if (folded.length === 0 || STOP_WORDS.has(folded)) return null;
  return /^[a-z]+$/.test(folded) ? stemmer(folded) : folded;
}

const TOKEN = /[\p{L}\p{N}'’]+/gu;
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** `normaliseTerm` with a bounded memo: snippets normalise the same words over and over. */
export function memoised(fn: (word: string) => string | null, size = 20_000): (word: string) => string | null {
  let memo = new Map<string, string | null>();
  return (word) => {
    let value = memo.get(word);
    if (value === undefined) {
      value = fn(word);
      if (memo.size >= size) memo = new Map();
      memo.set(word, value);
    }
    return value;
  };
}

/**
 * Words that frame a reader's question rather than say what it is about: "what does the poet
 * think about culture" is about the poet and culture. They are left out of a query that has
 * other words, and searched only when nothing else is left: "think" on its own still finds
 * "I think this was…", but "I think Nazarbaev is to blame" looks for Nazarbaev and blame.
 */
const QUESTION_WORDS = new Set([
  'what', 'why', 'how', 'who', 'whom', 'whose', 'which', 'where', 'when', 'whether',
  'do', 'does', 'did', 'think', 'thinks', 'say', 'says', 'tell', 'explain', 'mean', 'means', 'please',
]);

/** Folded query words without the question words, unless those are all there is. */
export function withoutQuestionWords(folded: readonly string[]): readonly string[] {
  const asked = folded.filter((word) => !QUESTION_WORDS.has(word));
  return asked.some((word) => !STOP_WORDS.has(word)) ? asked : folded;
}
