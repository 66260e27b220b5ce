import type { z } from 'zod';
import { UserError } from './errors.js';

const KINDS: Record<string, string> = { int: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false' };

/**
 * Plain words for an issue the schema gave no message of its own, so that zod's wording
 * ("Invalid input: expected int") never reaches a member, whatever an altered client sends.
 */
function plainWords(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters long` : `must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${issue.minimum} characters long` : `must be at least ${issue.minimum}`;
    case 'invalid_type':
      return `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has no option ${issue.keys.map((key) => `\`${key}\``).join(', ')}`;
    default:
      return 'is not valid here';
  }
}

/**
 * Validates a command's input with zod; the first issue becomes one sentence that names
 * the option (the issue's field for an object of options, else `option`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  const result = schema.safeParse(value, { error: plainWords });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = typeof issue.path[0] === 'string' ? issue.path[0] : option;
  throw new UserError(`\`${name}\` ${issue.message}.`);
}
