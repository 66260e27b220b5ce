import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CorpusError, type Corpus } from './corpus.js';
import { resolveReference } from './references.js';
import type { Quote } from './quotes.js';
import { parseYamlList } from './yaml-file.js';

const PROMPTS_FILE = 'prompts.yaml';
const PROMPT_STYLES = ['critical', 'reflective'] as const;
type PromptStyle = (typeof PROMPT_STYLES)[number];
/** What a server asks for (the `prompt_style` setting): one style, or both mixed. */
export const PROMPT_STYLE_CHOICES = [...PROMPT_STYLES, 'mixed'] as const;
export type PromptStyleChoice = (typeof PROMPT_STYLE_CHOICES)[number];

/** What every prompt's text is, in prompts.yaml or a server's own (`/prompt`): one question of 10 to 300 characters. */
export const promptTextSchema = z
  .string()
  .trim()
  .min(10, 'is too short to be a question')
  .max(300, 'is longer than 300 characters')
  .refine((text) => text.endsWith('?'), 'should end with a question mark');

const promptSchema = z.strictObject({
  text: promptTextSchema,
  style: z.enum(PROMPT_STYLES, { error: 'should be critical or reflective' }),
  article: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
  refs: z.array(z.string().trim().min(1)).min(1, 'should list at least one reference').optional(),
  contains: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
  thread: z.string().trim().min(1).max(100, 'should be at most 100 characters (a thread name)').optional(),
});
// A prompt tied to passages talks about something in them; shown with a quote of the passage
// that does not contain it, it asks about what the reader cannot see (SPEC section 14).
const tiedPromptSchema = promptSchema.refine((prompt) => prompt.refs === undefined || prompt.contains !== undefined, {
  message: 'is needed with "refs": the words the prompt talks about, so it is shown only with a quote that has them',
  path: ['contains'],
});

const promptsFileSchema = z.strictObject({ prompts: z.array(tiedPromptSchema).min(1, 'should list at least one prompt') });

export interface Prompt {
  /** Position in the file, from 1: how corpus:check and the logs name a prompt. */
  number: number;
  /** A hash of the text: how a server's rotation remembers the prompts it showed, unchanged when the file is reordered. */
  id: string;
  text: string;
  style: PromptStyle;
  /** The articles the prompt is about (a prompt comparing two texts names both); it suits any quote of them. */
  articles?: string[];
  /** Single-paragraph references, ranges expanded. */
  refs: string[];
  /** With refs: the prompt suits only quotes that contain one of these phrases. */
  contains?: string[];
  /** The discussion thread's name, for a prompt too long to name it. */
  thread?: string;
  /** A server's own prompt (`/prompt`): tied to its passages by the reference alone, which its author chose for it. */
  server?: true;
}

export interface PromptSet {
  /** Where the prompts came from, or `undefined` for the built-in general prompts. */
  file: string | undefined;
  prompts: Prompt[];
}

// Used when a corpus folder has no prompts file, so a group's own articles still get questions.
const BUILT_IN: Array<Pick<Prompt, 'text' | 'style'>> = [
  { text: 'What is the main claim in this passage, and what evidence does the text give for it?', style: 'critical' },
  { text: 'Which words in this passage state a fact that could be checked, and which express an opinion?', style: 'critical' },
  { text: 'Who is speaking here, and what might they want the reader to believe?', style: 'critical' },
  { text: 'What question would you most like to ask the author of this passage?', style: 'reflective' },
  { text: 'Does this passage change what you thought, or confirm it? Why?', style: 'reflective' },
];

/** Parses a prompts file; a bad one throws a CorpusError with the file and the reason. */
export function parsePrompts(file: string, source: string): Prompt[] {
  const data = parseYamlList(file, source, promptsFileSchema, 'prompt');
  return data.prompts.map(({ contains, article, ...prompt }, index) => ({
    ...prompt,
    ...(article === undefined ? {} : { articles: typeof article === 'string' ? [article] : article }),
    number: index + 1,
    id: promptId(prompt.text),
    refs: prompt.refs ?? [],
    ...(contains === undefined ? {} : { contains: typeof contains === 'string' ? [contains] : contains }),
  }));
}

/**
 * Checks prompts against the articles: every article and reference resolves, and a
 * `contains` phrase is found in a quote of its passages. Expands ranges in place.
 */
export function checkPrompts(file: string, prompts: Prompt[], corpus: Corpus, quotes: Quote[]): void {
  for (const prompt of prompts) {
    const where = `prompt ${prompt.number} ("${prompt.text.slice(0, 40)}...")`;
    const unknown = prompt.articles?.find((id) => !corpus.byId.has(id));
    if (unknown !== undefined) throw new CorpusError(file, `${where} names article "${unknown}", which is not in the corpus`);
    const expanded: string[] = [];
    for (const ref of prompt.refs) {
      try {
        expanded.push(...resolveReference(corpus, ref).passages.map((passage) => passage.ref));
      } catch (error) {
        throw new CorpusError(file, `${where} has reference "${ref}" that does not resolve: ${(error as Error).message}`);
      }
    }
    prompt.refs = [...new Set(expanded)];
    if (prompt.contains !== undefined) {
      if (prompt.refs.length === 0) throw new CorpusError(file, `${where} has "contains" without "refs"`);
      for (const phrase of prompt.contains) {
        if (!quotes.some((quote) => prompt.refs.includes(quote.ref) && quote.text.includes(phrase))) {
          throw new CorpusError(file, `${where} has "contains: ${phrase}", which is in no quote of ${prompt.refs.join(', ')}`);
        }
      }
    }
  }
}

/** Reads `prompts.yaml` of the corpus folder and checks it; without one, the built-in general prompts. */
export async function loadPrompts(corpusDir: string, corpus: Corpus, quotes: Quote[]): Promise<PromptSet> {
  const file = path.join(corpusDir, PROMPTS_FILE);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return builtInPrompts();
    throw new CorpusError(file, `cannot be read (${(error as Error).message})`);
  }
  const prompts = parsePrompts(file, source);
  checkPrompts(file, prompts, corpus, quotes);
  return { file, prompts };
}

export function builtInPrompts(): PromptSet {
  return { file: undefined, prompts: BUILT_IN.map((prompt, index) => ({ ...prompt, number: index + 1, id: promptId(prompt.text), refs: [] })) };
}

export function promptId(text: string): string {
  return hash(text).toString(36);
}

/** Whether `prompt` is tied to the quote's passage and names something the quote contains (a server's own prompt: any quote of the passage). */
function tiedTo(prompt: Prompt, quote: Quote): boolean {
  return prompt.refs.includes(quote.ref) && (prompt.server === true || (prompt.contains?.some((phrase) => quote.text.includes(phrase)) ?? false));
}

/** Whether `prompt` suits any quote of the quote's article: an article prompt, or a general one. */
function looseFor(prompt: Prompt, quote: Quote): boolean {
  return prompt.refs.length === 0 && (prompt.articles === undefined || prompt.articles.includes(quote.articleId));
}

/**
 * The prompts that fit a quote, best first, in tiers. In the `mixed` style: the prompts
 * tied to the quote's passage (naming what the quote contains), then article and general
 * prompts together. In the `critical` or `reflective` style: tied prompts of the style;
 * general prompts of the style, which ask about whatever passage they are shown with;
 * tied prompts of the other style, since a question about what the quote says is worth
 * more than an article prompt about something else in the article; article prompts of
 * the style; and last the other style's loose prompts.
 *
 * `turn` is how often the server has been through all its quotes. A quote with t tied
 * prompts comes back once a cycle: in t turns out of t + 1 its tied prompts come first,
 * each in turn (choosePrompt), and in the other the first two tiers swap, so that
 * article and general prompts, with the questions that compare the two texts, are shown
 * too and not only with the few quotes no prompt is tied to.
 */
export function promptTiers(set: PromptSet, quote: Quote, style: PromptStyleChoice, turn = 0): Prompt[][] {
  const tied = set.prompts.filter((prompt) => tiedTo(prompt, quote));
  const loose = set.prompts.filter((prompt) => looseFor(prompt, quote));
  const ofStyle = (prompt: Prompt) => prompt.style === style;
  const tiers =
    style === 'mixed'
      ? [tied, loose]
      : [
          tied.filter(ofStyle),
          loose.filter((prompt) => ofStyle(prompt) && prompt.articles === undefined),
          tied.filter((prompt) => !ofStyle(prompt)),
          loose.filter((prompt) => ofStyle(prompt) && prompt.articles !== undefined),
          loose.filter((prompt) => !ofStyle(prompt)),
        ];
  const own = tiers[0]!.length;
  return own > 0 && turn % (own + 1) === own ? [tiers[1]!, tiers[0]!, ...tiers.slice(2)] : tiers;
}

/** What a server has been shown, for choosePrompt. */
export interface PromptHistory {
  /** Ids of the server's latest prompts, oldest first. */
  recent?: readonly string[];
  /** How many times the server has been through all its quotes (the rotation's cycle). */
  turn?: number;
}

/**
 * The prompt for a quote: from the first tier of promptTiers that has a prompt not in
 * `recent`, so that no prompt comes back within those posts while another fits; when
 * every fitting prompt is recent, the one shown longest ago. `seed` picks among equals,
 * so the same seed and history give the same prompt (preview = post); `turn` moves the
 * pick one place on, so a quote that comes back in the next cycle gets its next prompt
 * rather than a random one, and each of its prompts has its turn.
 */
export function choosePrompt(set: PromptSet, quote: Quote, style: PromptStyleChoice, seed: string, { recent = [], turn = 0 }: PromptHistory = {}): Prompt {
  const tiers = promptTiers(set, quote, style, turn);
  const shown = new Set(recent);
  const start = hash(`${seed}:${quote.id}`) + turn;
  for (const tier of tiers) {
    // From the turn's place in the tier on to the first prompt not recent: the places
    // stay put when recent prompts come and go, so each prompt has its turn.
    for (let step = 0; step < tier.length; step++) {
      const prompt = tier[(start + step) % tier.length]!;
      if (!shown.has(prompt.id)) return prompt;
    }
  }
  const fitting = tiers.flat();
  if (fitting.length > 0) return fitting.reduce((oldest, prompt) => (recent.indexOf(prompt.id) < recent.indexOf(oldest.id) ? prompt : oldest));
  return builtInPrompts().prompts[hash(seed) % BUILT_IN.length]!;
}

/**
 * Prompts that no quote can be shown with in `style`: a prompt is reached when it is in
 * the first non-empty tier of some quote in some turn (promptTiers), which is where the
 * choice falls when no prompt is recent. Recent prompts only open lower tiers, so this
 * undercounts what a server sees, never overcounts.
 */
export function unreachablePrompts(set: PromptSet, quotes: readonly Quote[], style: PromptStyleChoice): Prompt[] {
  const reached = new Set<Prompt>();
  for (const quote of quotes) {
    const tiers = promptTiers(set, quote, style);
    // Turn 0 and the turn that swaps the first two tiers (turn t for t tied prompts).
    for (const turn of [0, tiers[0]!.length]) {
      for (const prompt of promptTiers(set, quote, style, turn).find((tier) => tier.length > 0) ?? []) reached.add(prompt);
    }
  }
  return set.prompts.filter((prompt) => !reached.has(prompt));
}

/**
 * FNV-1a: a small, stable string hash for deterministic choices. It streams:
 * `hash(b, hash(a)) === hash(a + b)`, so a prefix shared by many keys is hashed once.
 */
export function hash(text: string, prefixHash = 0x811c9dc5): number {
  let value = prefixHash;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}
