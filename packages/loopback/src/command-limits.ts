// Discord's rules for application command definitions (PUT/POST /applications/{id}/commands).
import { ApplicationCommandOptionType as O, ApplicationCommandType } from 'discord-api-types/v10';
import { z } from 'zod';
import { discordIssue, toIssues, type FormIssue } from './form-errors.js';

type Key = PropertyKey;
const CHAT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SUBCOMMAND = O.Subcommand;
const GROUP = O.SubcommandGroup;
const WITH_CHOICES = new Set([O.String, O.Integer, O.Number]);

const chatName = z
  .string()
  .regex(CHAT_NAME, 'Command name is invalid')
  .refine((name) => name === name.toLowerCase(), { message: 'Command name must be lowercase', params: { discord: 'APPLICATION_COMMAND_INVALID_NAME' } });

const choice = z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().min(1).max(100), z.number()]) });

interface Option {
  type: O;
  name: string;
  description: string;
  required?: boolean | undefined;
  autocomplete?: boolean | undefined;
  choices?: Array<{ name: string; value: string | number }> | undefined;
  options?: Option[] | undefined;
}

const optionSchema: z.ZodType<Option> = z.lazy(() =>
  z
    .looseObject({
      type: z.number().int().min(O.Subcommand).max(O.Attachment),
      name: chatName,
      description: z.string().min(1).max(100),
      required: z.boolean().optional(),
      autocomplete: z.boolean().optional(),
      choices: z.array(choice).max(25).optional(),
      min_length: z.number().int().min(0).max(6000).optional(),
      max_length: z.number().int().min(1).max(6000).optional(),
      options: z.array(optionSchema).max(25).optional(),
    })
    .superRefine((option, ctx) => {
      if ((option.choices?.length || option.autocomplete) && !WITH_CHOICES.has(option.type)) {
        ctx.addIssue(discordIssue(['choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_NOT_ALLOWED', 'Only string, integer and number options take choices or autocomplete'));
      }
      if (option.choices?.length && option.autocomplete) {
        ctx.addIssue(discordIssue(['autocomplete'], 'AUTOCOMPLETE_AND_CHOICES_MUTUALLY_EXCLUSIVE', 'Autocomplete cannot be set with choices'));
      }
      if (option.type === SUBCOMMAND && option.options?.some((o) => o.type === SUBCOMMAND || o.type === GROUP)) {
        ctx.addIssue(discordIssue(['options'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A subcommand cannot contain subcommands or groups'));
      }
      if (option.type === GROUP && (!option.options?.length || option.options.some((o) => o.type !== SUBCOMMAND))) {
        ctx.addIssue(discordIssue(['options'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A subcommand group holds 1..25 subcommands'));
      }
      if ((option.type === SUBCOMMAND || option.type === GROUP) && option.required !== undefined) {
        ctx.addIssue(discordIssue(['required'], 'APPLICATION_COMMAND_OPTION_REQUIRED_NOT_ALLOWED', 'Subcommands and groups cannot be required'));
      }
      checkLevel(option.options ?? [], ['options'], ctx);
    }),
);

/** Names unique, required before optional, and subcommands not mixed with plain options. */
function checkLevel(options: Option[], path: Key[], ctx: z.RefinementCtx): void {
  const names = options.map((o) => o.name);
  if (new Set(names).size !== names.length) {
    ctx.addIssue(discordIssue(path, 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique'));
  }
  const nested = options.filter((o) => o.type === SUBCOMMAND || o.type === GROUP).length;
  if (nested && nested !== options.length) {
    ctx.addIssue(discordIssue(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Subcommands and groups cannot be mixed with other options'));
  }
  const firstOptional = options.findIndex((o) => !o.required);
  if (firstOptional >= 0 && options.slice(firstOptional).some((o) => o.required)) {
    ctx.addIssue(discordIssue(path, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options'));
  }
}

function textLength(option: { name: string; description?: string; choices?: Option['choices']; options?: Option[] | undefined }): number {
  return (
    option.name.length +
    (option.description?.length ?? 0) +
    (option.choices ?? []).reduce((sum, c) => sum + c.name.length + String(c.value).length, 0) +
    (option.options ?? []).reduce((sum, o) => sum + textLength(o), 0)
  );
}

const commandSchema = z
  .looseObject({
    type: z.number().int().min(ApplicationCommandType.ChatInput).max(ApplicationCommandType.PrimaryEntryPoint).optional(),
    name: z.string().min(1).max(32),
    description: z.string().max(100).optional(),
    options: z.array(optionSchema).max(25).optional(),
    default_member_permissions: z.string().regex(/^\d+$/).nullish(),
  })
  .superRefine((command, ctx) => {
    const chatInput = (command.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
    if (chatInput) {
      const name = chatName.safeParse(command.name);
      if (!name.success) ctx.addIssue(discordIssue(['name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid'));
      if (!command.description) ctx.addIssue(discordIssue(['description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.'));
      checkLevel(command.options ?? [], ['options'], ctx);
      if (textLength(command) > 4000) {
        ctx.addIssue(discordIssue([], 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (4000)'));
      }
    } else {
      if (command.description) ctx.addIssue(discordIssue(['description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have a description'));
      if (command.options?.length) ctx.addIssue(discordIssue(['options'], 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS', 'Context menu commands cannot have options'));
    }
  });

/** Per scope: 100 chat input commands, 5 user and 5 message context menu commands. */
const MAX_BY_TYPE: Partial<Record<ApplicationCommandType, number>> = {
  [ApplicationCommandType.ChatInput]: 100,
  [ApplicationCommandType.User]: 5,
  [ApplicationCommandType.Message]: 5,
};

export function checkCommand(body: unknown, prefix: Key[] = []): FormIssue[] {
  const result = commandSchema.safeParse(body, { reportInput: true });
  return result.success ? [] : toIssues(result.error, prefix);
}

export function checkCommandList(body: unknown): FormIssue[] {
  if (!Array.isArray(body)) return [{ path: '', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const issues = body.flatMap((command, i) => checkCommand(command, [i]));
  const counts = new Map<ApplicationCommandType, number>();
  const names = new Set<string>();
  body.forEach((command: { type?: ApplicationCommandType; name?: string }, i) => {
    const type = command.type ?? ApplicationCommandType.ChatInput;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const key = `${type}:${command.name}`;
    if (names.has(key)) issues.push({ path: String(i), code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    names.add(key);
  });
  for (const [type, count] of counts) {
    const max = MAX_BY_TYPE[type] ?? 100;
    if (count > max) issues.push({ path: '', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer commands of type ${type}.` });
  }
  return issues;
}
