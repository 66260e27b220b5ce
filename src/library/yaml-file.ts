import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CorpusError } from './corpus.js';

/**
 * Parses one of the corpus folder's YAML lists (quotes, prompts, spellings) against its
 * schema. A bad file throws a CorpusError naming the file, the entry by its number from 1
 * (`prompt 3 field "style"`) and the reason, so an editor finds the line at once.
 */
export function parseYamlList<Schema extends z.ZodType>(file: string, source: string, schema: Schema, entry: string): z.output<Schema> {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new CorpusError(file, `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [, index, field] = issue.path;
    const where = typeof index === 'number' ? `${entry} ${index + 1}${field ? ` field "${String(field)}"` : ''}` : `"${issue.path.join('.') || 'file'}"`;
    throw new CorpusError(file, `${where} ${issue.message}`);
  }
  return parsed.data;
}
