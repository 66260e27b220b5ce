import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { formKey, formTerms, Spellings } from '../search/spellings.js';
import { CorpusError } from './corpus.js';
import { parseYamlList } from './yaml-file.js';

/** The corpus folder's list of other spellings (see the file's own comment). */
const SPELLINGS_FILE = 'spellings.yaml';

/** One spelling of a name or word: what a reader types, searchable (not only common words). */
export const spellingFormSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(60, 'is longer than 60 characters')
  // Kept as it is shown: one line, one space between words.
  .transform((form) => form.replace(/\s+/g, ' '))
  .refine((form) => formTerms(form).length > 0, 'has only common words, which search leaves out');

const groupSchema = z.strictObject({
  forms: z
    .array(spellingFormSchema)
    .min(2, 'should list at least two forms')
    .superRefine((forms, context) => {
      const seen = new Map<string, string>();
      for (const form of forms) {
        const earlier = seen.get(formKey(form));
        if (earlier !== undefined) context.addIssue({ code: 'custom', message: `has "${form}", which search reads as "${earlier}"` });
        seen.set(formKey(form), form);
      }
    }),
  note: z.string().trim().min(1).optional(),
});

const spellingsFileSchema = z.strictObject({ spellings: z.array(groupSchema, { error: 'should be a list of groups, each with its forms' }) });

/** Parses a spellings file; a bad one throws a CorpusError with the file and the reason. */
export function parseSpellings(file: string, source: string): Spellings {
  const data = parseYamlList(file, source, spellingsFileSchema, 'group');
  const groups = data.spellings.map((group) => group.forms);
  // A form in two groups would join them silently: one group should list them all.
  const groupOf = new Map<string, number>();
  groups.forEach((forms, index) => {
    for (const form of forms) {
      const other = groupOf.get(formKey(form));
      if (other !== undefined && other !== index) throw new CorpusError(file, `group ${index + 1} has "${form}", which group ${other + 1} has already`);
      groupOf.set(formKey(form), index);
    }
  });
  return new Spellings(groups);
}

/** Reads `spellings.yaml` of the corpus folder; without one, no other spellings. */
export async function loadSpellings(corpusDir: string): Promise<Spellings> {
  const file = path.join(corpusDir, SPELLINGS_FILE);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Spellings.none;
    throw new CorpusError(file, `cannot be read (${(error as Error).message})`);
  }
  return parseSpellings(file, source);
}
