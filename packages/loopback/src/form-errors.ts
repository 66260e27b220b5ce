// Zod issues turned into Discord's "Invalid Form Body" (code 50035) error shape.
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { z } from 'zod';

export interface FormIssue {
  /** Dotted path into the body, as Discord nests it: `embeds.0.title`. */
  path: string;
  code: string;
  message: string;
}

type Key = PropertyKey;

/** An issue raised by a refinement carries its Discord code in `params.discord`. */
export function discordIssue(path: Key[], code: string, message: string) {
  return { code: 'custom' as const, path: path as Array<string | number>, message, params: { discord: code } };
}

function describe(issue: z.core.$ZodIssue): { code: string; message: string } {
  switch (issue.code) {
    case 'too_big':
      return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` };
    case 'too_small':
      return issue.origin === 'number'
        ? { code: 'NUMBER_TYPE_MIN', message: `Int value should be greater than or equal to ${String(issue.minimum)}.` }
        : { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` };
    case 'invalid_type':
      return issue.input === undefined
        ? { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }
        : { code: `BASE_TYPE_BAD_${issue.expected.toUpperCase()}`, message: `Value is not a valid ${issue.expected}.` };
    case 'invalid_value':
      return { code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${JSON.stringify(issue.values)}.` };
    case 'custom': {
      const code = (issue.params as { discord?: string } | undefined)?.discord ?? 'BASE_TYPE_INVALID';
      return { code, message: issue.message };
    }
    default:
      return { code: 'BASE_TYPE_INVALID', message: issue.message };
  }
}

export function toIssues(error: z.ZodError, prefix: Key[] = []): FormIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    ...describe(issue),
  }));
}

/** `{code: 50035, message: 'Invalid Form Body', errors: {embeds: {0: {title: {_errors: [...]}}}}}` */
export function invalidFormBody(issues: FormIssue[]) {
  const errors: Record<string, unknown> = {};
  for (const issue of issues) {
    let node = errors;
    for (const key of issue.path ? issue.path.split('.') : []) {
      node = (node[key] ??= {}) as Record<string, unknown>;
    }
    const list = (node['_errors'] ??= []) as Array<{ code: string; message: string }>;
    list.push({ code: issue.code, message: issue.message });
  }
  return { code: RESTJSONErrorCodes.InvalidFormBodyOrContentType, message: 'Invalid Form Body', errors };
}
