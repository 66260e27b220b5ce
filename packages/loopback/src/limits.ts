// Discord's documented limits on what a bot sends: messages, embeds, components, autocomplete, modals, threads.
import { MessageFlags, type APIEmbed } from 'discord-api-types/v10';
import { z } from 'zod';
import { checkComponents } from './component-limits.js';
import { discordIssue, toIssues, type FormIssue } from './form-errors.js';

const IS_COMPONENTS_V2 = MessageFlags.IsComponentsV2;
const snowflakeId = z.string().regex(/^\d{17,20}$/);

const embedSchema = z.looseObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: z.string().optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  footer: z.looseObject({ text: z.string().min(1).max(2048) }).optional(),
  author: z.looseObject({ name: z.string().min(1).max(256) }).optional(),
  fields: z
    .array(z.looseObject({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean().optional() }))
    .max(25)
    .optional(),
});

/** What counts toward an embed's 6000 characters: title, description, field names and values, footer text, author name. */
function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0)
  );
}

const allowedMentionsSchema = z
  .strictObject({
    parse: z.array(z.enum(['users', 'roles', 'everyone'])).optional(),
    users: z.array(snowflakeId).max(100).optional(),
    roles: z.array(snowflakeId).max(100).optional(),
    replied_user: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    for (const kind of ['users', 'roles'] as const) {
      if (value.parse?.includes(kind) && value[kind]?.length) {
        ctx.addIssue(discordIssue(['parse'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`));
      }
    }
  });

const messageSchema = z
  .looseObject({
    content: z.string().max(2000).nullish(),
    embeds: z.array(embedSchema).max(10).nullish(),
    components: z.array(z.unknown()).nullish(),
    allowed_mentions: allowedMentionsSchema.nullish(),
    flags: z.number().int().nullish(),
  })
  .superRefine((message, ctx) => {
    const total = (message.embeds ?? []).reduce((sum, embed) => sum + embedLength(embed as APIEmbed), 0);
    if (total > 6000) ctx.addIssue(discordIssue(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000'));
    const v2 = ((message.flags ?? 0) & IS_COMPONENTS_V2) !== 0;
    if (v2 && (message.content || message.embeds?.length)) {
      ctx.addIssue(discordIssue(['content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2'));
    }
  });

const autocompleteSchema = z.looseObject({
  choices: z
    .array(z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) }))
    .max(25),
});

const modalSchema = z
  .looseObject({
    custom_id: z.string().min(1).max(100),
    title: z.string().min(1).max(45),
    components: z.array(z.unknown()).min(1).max(5),
  });

const threadSchema = z.looseObject({
  name: z.string().min(1).max(100),
  auto_archive_duration: z.union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)]).optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullish(),
});

function check(schema: z.ZodType, body: unknown, prefix: PropertyKey[] = []): FormIssue[] {
  const result = schema.safeParse(body, { reportInput: true });
  return result.success ? [] : toIssues(result.error, prefix);
}

function componentsOf(body: unknown): unknown[] {
  const components = (body as { components?: unknown } | null)?.components;
  return Array.isArray(components) ? components : [];
}

export function checkMessage(body: unknown, prefix: PropertyKey[] = []): FormIssue[] {
  const flags = Number((body as { flags?: unknown } | null)?.flags ?? 0);
  const v2 = (flags & IS_COMPONENTS_V2) !== 0;
  return [...check(messageSchema, body, prefix), ...checkComponents(componentsOf(body), v2, [...prefix, 'components'])];
}
export const checkAutocomplete = (body: unknown) => check(autocompleteSchema, body, ['data']);
export function checkModal(body: unknown): FormIssue[] {
  // Modals take the newer component kinds (labels, text displays) as well as rows of text inputs.
  return [...check(modalSchema, body, ['data']), ...checkComponents(componentsOf(body), true, ['data', 'components'])];
}
export const checkThread = (body: unknown) => check(threadSchema, body);
