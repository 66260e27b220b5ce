import { CorpusError, type Corpus } from './corpus.js';
import { loadQuotes } from './curated-quotes.js';
import { loadPrompts, unreachablePrompts, type Prompt } from './prompts.js';
import { extractQuotes, passagesWithoutQuotes, quoteCounts } from './quotes.js';

export interface DailyReport {
  /** Quotes per article id. */
  quotes: Map<string, number>;
  /** Lines for `npm run corpus:check`: quotes, prompts, and paragraphs that give no quote. */
  lines: string[];
}

/**
 * What the daily post draws on: quote counts per article (curated where `quotes.yaml`
 * covers the article), and the prompts file, checked against the corpus. A bad quotes or
 * prompts file, or a prompt that no quote can be shown with in the `mixed` style, throws
 * a CorpusError with its path and reason.
 */
export async function dailyReport(corpusDir: string, corpus: Corpus): Promise<DailyReport> {
  const { file: quotesFile, curated, quotes } = await loadQuotes(corpusDir, corpus, extractQuotes(corpus));
  const prompts = await loadPrompts(corpusDir, corpus, quotes);
  const unreachable = unreachablePrompts(prompts, quotes, 'mixed');
  if (prompts.file && unreachable.length > 0) {
    throw new CorpusError(
      prompts.file,
      `${unreachable.map(named).join(', ')} can never be shown in the mixed style: there is no quote ${unreachable.length === 1 ? 'it suits' : 'they suit'}`,
    );
  }
  const count = (test: (prompt: Prompt) => boolean) => prompts.prompts.filter(test).length;
  // Of a style's own prompts, how many that style reaches: its article prompts come after its general ones.
  const reach = (style: 'critical' | 'reflective') => {
    const unreached = new Set(unreachablePrompts(prompts, quotes, style));
    return `${count((p) => p.style === style && !unreached.has(p))} of ${count((p) => p.style === style)} ${style} prompts in the ${style} style`;
  };
  const lines = [
    quotesFile
      ? `Quotes ${quotesFile}: ${quotes.length - quotes.filter((quote) => !curated.has(quote.articleId)).length} curated for ${[...curated].join(', ')}, all verbatim; other articles' quotes are found automatically.`
      : `Quotes: no quotes.yaml in ${corpusDir}, so every article's quotes are found automatically.`,
    prompts.file
      ? `Prompts ${prompts.file}: ${prompts.prompts.length} (${count((p) => p.style === 'critical')} critical, ${count((p) => p.style === 'reflective')} reflective; ${count((p) => p.refs.length > 0)} tied to passages, ${count((p) => p.refs.length === 0 && p.articles !== undefined)} to articles, ${count((p) => p.refs.length === 0 && p.articles === undefined)} general), all valid; every one can be shown in the mixed style, ${reach('critical')}, ${reach('reflective')}.`
      : `Prompts: no prompts.yaml in ${corpusDir}, so the ${prompts.prompts.length} built-in general prompts are used.`,
  ];
  const silent = passagesWithoutQuotes(corpus, quotes);
  if (silent.length > 0) lines.push(`Paragraphs with no quote: ${silent.map((passage) => passage.ref).join(', ')}.`);
  return { quotes: quoteCounts(quotes), lines };
}

function named(prompt: Prompt): string {
  return `prompt ${prompt.number} ("${prompt.text.slice(0, 40)}...")`;
}
