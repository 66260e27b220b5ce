import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CorpusError, type Corpus } from './corpus.js';
import { resolveReference } from './references.js';
import type { Quote } from './quotes.js';

const PROMPTS_FILE = 'prompts.yaml';
const PROMPT_STYLES = ['critical', 'reflective'] as const;
type PromptStyle = (typeof PROMPT_STYLES)[number];
/** What a server asks for (the `prompt_style` setting): one style, or both mixed. */
export const PROMPT_STYLE_CHOICES = [...PROMPT_STYLES, 'mixed'] as const;
export type PromptStyleChoice = (typeof PROMPT_STYLE_CHOICES)[number];

const promptSchema = z.strictObject({
  text: z
    .string()
    .trim()
    .min(10, 'is too short to be a question')
    .max(300, 'is longer than 300 characters')
    .refine((text) => text.endsWith('?'), 'should end with a question mark'),
  style: z.enum(PROMPT_STYLES, { error: 'should be critical or reflective' }),
  article: z.string().trim().min(1).optional(),
  refs: z.array(z.string().trim().min(1)).min(1, 'should list at least one reference').optional(),
  contains: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
  thread: z.string().trim().min(1).max(100, 'should be at most 100 characters (a thread name)').optional(),
});

const promptsFileSchema = z.strictObject({ prompts: z.array(promptSchema).min(1, 'should list at least one prompt') });

export interface Prompt {
  /** Position in the file, from 1: how corpus:check and the logs name a prompt. */
  number: number;
  text: string;
  style: PromptStyle;
  article?: string;
  /** Single-paragraph references, ranges expanded. */
  refs: string[];
  /** With refs: the prompt suits only quotes that contain one of these phrases. */
  contains?: string[];
  /** The discussion thread's name, for a prompt too long to name it. */
  thread?: string;
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
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new CorpusError(file, `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = promptsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [, index, field] = issue.path;
    const where = typeof index === 'number' ? `prompt ${index + 1}${field ? ` field "${String(field)}"` : ''}` : `"${issue.path.join('.') || 'file'}"`;
    throw new CorpusError(file, `${where} ${issue.message}`);
  }
  return parsed.data.prompts.map(({ contains, ...prompt }, index) => ({
    ...prompt,
    number: index + 1,
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
    if (prompt.article !== undefined && !corpus.byId.has(prompt.article)) {
      throw new CorpusError(file, `${where} names article "${prompt.article}", which is not in the corpus`);
    }
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
  return { file: undefined, prompts: BUILT_IN.map((prompt, index) => ({ ...prompt, number: index + 1, refs: [] })) };
}

/**
 * The prompt for a quote: one tied to its passage if there is one, else one for its
 * article, else a general one; only of the server's style unless that leaves none.
 * `seed` picks among equals, so the same seed gives the same prompt (preview = post).
 */
export function choosePrompt(set: PromptSet, quote: Quote, style: PromptStyleChoice, seed: string): Prompt {
  const styled = set.prompts.filter((prompt) => style === 'mixed' || prompt.style === style);
  const tiers = [
    (prompt: Prompt) => prompt.refs.includes(quote.ref) && (prompt.contains === undefined || prompt.contains.some((phrase) => quote.text.includes(phrase))),
    (prompt: Prompt) => prompt.refs.length === 0 && prompt.article === quote.articleId,
    (prompt: Prompt) => prompt.refs.length === 0 && prompt.article === undefined,
  ];
  for (const pool of [styled, set.prompts]) {
    for (const tier of tiers) {
      const candidates = pool.filter(tier);
      if (candidates.length > 0) return candidates[hash(`${seed}:${quote.id}`) % candidates.length]!;
    }
  }
  return builtInPrompts().prompts[hash(seed) % BUILT_IN.length]!;
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
