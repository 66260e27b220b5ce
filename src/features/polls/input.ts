import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { quoteInput } from '../../lib/ui/limits.js';

export const MAX_QUESTION = 300;
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_OPTION = 80;
const DEFAULT_DURATION = '15m';
const MIN_DURATION_MS = 30_000;
const MAX_DURATION_MS = 7 * 86_400_000;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,7})\s*([smhd])$/i;
const EXAMPLES = '`90s`, `15m`, `2h` or `1d`';

/** `90s`, `15m`, `2h`, `1d`, from 30 seconds to 7 days, as milliseconds. */
const durationSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const match = DURATION.exec(text);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `\`${quoteInput(text)}\` is not a duration: write a number and a unit, like ${EXAMPLES}.` });
      return z.NEVER;
    }
    const ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase() as keyof typeof UNIT_MS];
    if (ms < MIN_DURATION_MS) ctx.addIssue({ code: 'custom', message: `A poll runs at least 30 seconds, so \`${text}\` is too short: try ${EXAMPLES}.` });
    else if (ms > MAX_DURATION_MS) ctx.addIssue({ code: 'custom', message: `A poll runs at most 7 days, so \`${text}\` is too long: try \`7d\` or less.` });
    return ms;
  });

const questionSchema = z
  .string()
  .trim()
  .min(1, 'The question cannot be empty.')
  .max(MAX_QUESTION, `The question can be at most ${MAX_QUESTION} characters; shorten it and try again.`);

/** Answers written `Yes | No | Partly`: trimmed, each present, short and different. */
const optionsSchema = z.string().transform((text, ctx) => {
  // An answer is a button label and is quoted in one-line notices: line breaks become spaces.
  const options = text.split('|').map((option) => option.replace(/\s+/g, ' ').trim());
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (options.length < MIN_OPTIONS) return fail(`A poll needs at least ${MIN_OPTIONS} answers separated by \`|\`, like \`Yes | No\`.`);
  if (options.length > MAX_OPTIONS) return fail(`A poll can have at most ${MAX_OPTIONS} answers; you gave ${options.length}.`);
  const empty = options.findIndex((option) => option === '');
  if (empty >= 0) return fail(`Answer ${empty + 1} is empty: remove the extra \`|\` or write an answer there.`);
  const long = options.findIndex((option) => option.length > MAX_OPTION);
  if (long >= 0) return fail(`Answer ${long + 1} is ${options[long]!.length} characters long; an answer can be at most ${MAX_OPTION}.`);
  const seen = new Set<string>();
  for (const option of options) {
    const key = option.toLocaleLowerCase();
    if (seen.has(key)) return fail(`\`${quoteInput(option)}\` is given twice: each answer must be different.`);
    seen.add(key);
  }
  return options;
});

const pollInputSchema = z.object({
  question: questionSchema,
  options: optionsSchema,
  duration: durationSchema.prefault(DEFAULT_DURATION),
  multiple: z.boolean().default(false),
  anonymous: z.boolean().default(false),
});

type PollInput = z.output<typeof pollInputSchema>;
export type RawPollInput = z.input<typeof pollInputSchema>;

/** The command's options as a poll, or a UserError with one sentence on what to fix. */
export function parsePollInput(raw: RawPollInput): PollInput {
  const parsed = pollInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(parsed.error.issues[0]!.message);
}
