import type { Corpus } from './corpus.js';
import { loadPrompts } from './prompts.js';
import { extractQuotes, passagesWithoutQuotes, quoteCounts } from './quotes.js';

export interface DailyReport {
  /** Quotes per article id. */
  quotes: Map<string, number>;
  /** Lines for `npm run corpus:check`: prompts, and paragraphs that give no quote. */
  lines: string[];
}

/**
 * What the daily post draws on: quote counts per article and the prompts file, checked
 * against the corpus. A bad prompts file throws a CorpusError with its path and reason.
 */
export async function dailyReport(corpusDir: string, corpus: Corpus): Promise<DailyReport> {
  const quotes = extractQuotes(corpus);
  const prompts = await loadPrompts(corpusDir, corpus, quotes);
  const count = (test: (prompt: (typeof prompts.prompts)[number]) => boolean) => prompts.prompts.filter(test).length;
  const lines = [
    prompts.file
      ? `Prompts ${prompts.file}: ${prompts.prompts.length} (${count((p) => p.style === 'critical')} critical, ${count((p) => p.style === 'reflective')} reflective; ${count((p) => p.refs.length > 0)} tied to passages, ${count((p) => p.refs.length === 0 && p.article !== undefined)} to an article, ${count((p) => p.refs.length === 0 && p.article === undefined)} general), all valid.`
      : `Prompts: no prompts.yaml in ${corpusDir}, so the ${prompts.prompts.length} built-in general prompts are used.`,
  ];
  const silent = passagesWithoutQuotes(corpus, quotes);
  if (silent.length > 0) {
    lines.push(`Paragraphs with no quote (every sentence over 300 characters): ${silent.map((passage) => passage.ref).join(', ')}.`);
  }
  return { quotes: quoteCounts(quotes), lines };
}
