import type { z } from 'zod';
import { UserError } from './errors.js';

/** Validates one command option with zod; the first issue becomes one clear sentence for the user. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UserError(`\`${option}\` ${result.error.issues[0]!.message}.`);
}
