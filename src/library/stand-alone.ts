/**
 * Whether a sentence can open or close a quote that is read alone (SPEC section 14).
 * The daily post shows a quote without the sentences around it, so a quote must not
 * open on a word that points to an earlier sentence, nor end on one that points to a
 * later one. These are word rules, not understanding: when unsure they refuse, since a
 * quote left out costs nothing a reader sees and one that needs its context spoils a post.
 */

/**
 * Opening words that continue or answer the sentence before: connectives (`But`, `So`,
 * `Because`), the `Well,` that opens an answer whose question is not shown, and
 * adverbs that compare with or follow from what came before (`Even less…`, `Naturally,
 * Kazakhstan was no exception`, `Now, during the riots…` set against what came before).
 * `For` is here for its causal use (`For cowardice.`, an answer); it also drops
 * `For years…`, which is the cheaper mistake.
 */
const CONNECTIVES = [
  'and', 'but', 'or', 'nor', 'so', 'yet', 'because', 'for', 'then', 'also', 'still', 'instead', 'otherwise',
  'however', 'therefore', 'thus', 'hence', 'moreover', 'furthermore', 'besides', 'meanwhile', 'nevertheless',
  'nonetheless', 'consequently', 'accordingly', 'likewise', 'similarly', 'even', 'naturally', 'well', 'again', 'now',
];

/**
 * Pronouns and demonstratives whose referent is in an earlier sentence: `They do not
 * know…` (the Russians), `He took a different path…` (Nazarbayev), `This echoes…`,
 * `These three questions…`, `Its strength…`. `I`, `we` and `you` are left in: they are
 * the speaker and the one spoken to, whom the post names. `It` is left in before a
 * form of `be`, `seem` or `appear`, where it is mostly the empty subject of `It is
 * important to…` or `It is possible that…`; before any other verb (`It shows that…`) it
 * points back.
 */
const POINTERS = ['he', 'she', 'they', 'him', 'her', 'them', 'his', 'hers', 'its', 'their', 'theirs', 'this', 'that', 'these', 'those', 'such', 'both', 'it'];
/** Words for all or none of something named before: `Everything hangs on a thread.` (his empire), `All of them…`. */
const QUANTIFIERS = ['everything', 'everyone', 'everybody', 'nothing', 'nobody', 'none', 'all', 'another', 'others'];
const EMPTY_IT = /^it\s+(?:is|was|seems|seemed|appears|appeared|would be|will be|may be|might be|could be|has been)\b/i;

/** `In this respect`, `For this reason`, `After that`, `Once again`: a phrase that points back. */
const POINTING_PHRASE = /^(?:(?:in|for|at|by|with|from|after|before|of|because of|despite)\s+(?:this|that|these|those|such)|once (?:again|more)|even so|after all|as a result|in addition|in other words|on the other hand|at the same time)\b/i;

/**
 * Anywhere in the opening sentence: `this`, `these` or `those` (`…so that this jewel…`,
 * `…contributed to all this`), or an ordinal or `former`/`latter` standing for a noun
 * (`give in on the second`). `that` is left out: it is mostly a conjunction.
 */
const POINTER_WITHIN = /\b(?:this|these|those)\b|\bthe (?:first|second|third|former|latter|same)\b(?=\s*[,.;:!?–—)]|\s*$)/i;

/**
 * A sentence of this many words or fewer does not open a quote: such short sentences are
 * mostly reactions or fragments whose subject is before them (`Terrible news.`,
 * `For cowardice.`, `The salaries are tiny.`, which reads as Kazakhstan but means Russia).
 */
const SHORT_OPENER_WORDS = 6;

/** `I think he was…`: a hedge of the speaker's does not hide the pointer after it. */
const HEDGE = /^(?:i|we)\s+(?:think|believe|mean|suppose|guess)\s+(?:that\s+)?/i;

const LEANING = new Set([...CONNECTIVES, ...POINTERS, ...QUANTIFIERS]);
/** What may precede the first word: an interview dash, quotation marks, brackets, an ellipsis. */
const LEAD = /^[\s–—\-“"‘'«(…]*/u;

/**
 * True when `sentence` opens on a word that needs an earlier sentence. The first
 * sentence of an article has none before it, so its `This column…` points at the
 * text itself and is allowed (`opensArticle`).
 */
export function leansBack(sentence: string, opensArticle = false): boolean {
  if (opensArticle) return false;
  let text = sentence.replace(LEAD, '');
  if (POINTING_PHRASE.test(text) || POINTER_WITHIN.test(text) || text.split(/\s+/).length <= SHORT_OPENER_WORDS) return true;
  text = text.replace(HEDGE, '');
  const first = /^[\p{L}’']+/u.exec(text)?.[0].toLowerCase().replace(/[’']s$/, '');
  if (first === undefined || !LEANING.has(first)) return false;
  return !(first === 'it' && EMPTY_IT.test(text));
}

/** A short turn (`But don't be fooled.`) gets all its content from the sentence after it. */
const SHORT_TURN_WORDS = 5;
const TURNS = new Set(['but', 'yet', 'however', 'still', 'and', 'so', 'instead', 'now']);

/**
 * True when a quote cannot end on `sentence`: it ends on a colon (what it announces
 * follows), it is a question whose answer follows in the paragraph (`Why is the
 * European Union silent…?` before `For cowardice.`), or it is a short turn that opens
 * on a contrast (`But`, `Yet`; not `For cowardice.`, a whole answer). `more` says
 * whether the paragraph goes on after it.
 */
export function dangles(sentence: string, more: boolean): boolean {
  const text = sentence.trim();
  if (/:[”"’]?$/.test(text)) return true;
  if (more && /\?[”"’]?$/.test(text)) return true;
  const words = text.split(/\s+/).length;
  return words <= SHORT_TURN_WORDS && TURNS.has(/^\p{L}+/u.exec(text.replace(LEAD, ''))?.[0].toLowerCase() ?? '');
}
