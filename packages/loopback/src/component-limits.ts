// Limits on message and modal components, classic (action rows) and Components V2.
import { ButtonStyle, ComponentType as C, TextInputStyle } from 'discord-api-types/v10';
import { z } from 'zod';
import { toIssues, type FormIssue } from './form-errors.js';

type Key = PropertyKey;

const customId = z.string().min(1).max(100);
const anyComponent = z.looseObject({ type: z.number().int() });

const schemas: Partial<Record<C, z.ZodType>> = {
  [C.ActionRow]: z.looseObject({ type: z.literal(C.ActionRow), components: z.array(anyComponent).min(1).max(5) }),
  [C.Button]: z.looseObject({
    style: z.number().int().min(ButtonStyle.Primary).max(ButtonStyle.Premium),
    label: z.string().max(80).optional(),
    custom_id: customId.optional(),
    url: z.string().max(512).optional(),
  }),
  [C.StringSelect]: z.looseObject({
    custom_id: customId,
    placeholder: z.string().max(150).optional(),
    min_values: z.number().int().min(0).max(25).optional(),
    max_values: z.number().int().min(1).max(25).optional(),
    options: z
      .array(z.looseObject({ label: z.string().min(1).max(100), value: z.string().min(1).max(100), description: z.string().max(100).optional() }))
      .min(1)
      .max(25),
  }),
  [C.TextInput]: z.looseObject({
    custom_id: customId,
    style: z.number().int().min(TextInputStyle.Short).max(TextInputStyle.Paragraph),
    label: z.string().min(1).max(45).optional(),
    min_length: z.number().int().min(0).max(4000).optional(),
    max_length: z.number().int().min(1).max(4000).optional(),
    value: z.string().max(4000).optional(),
    placeholder: z.string().max(100).optional(),
  }),
  [C.TextDisplay]: z.looseObject({ content: z.string().min(1).max(4000) }),
  [C.Label]: z.looseObject({ label: z.string().min(1).max(45), description: z.string().max(100).optional(), component: anyComponent }),
};
const autoSelect = z.looseObject({
  custom_id: customId,
  placeholder: z.string().max(150).optional(),
  min_values: z.number().int().min(0).max(25).optional(),
  max_values: z.number().int().min(1).max(25).optional(),
});
const AUTO_SELECTS = [C.UserSelect, C.RoleSelect, C.MentionableSelect, C.ChannelSelect];
for (const type of AUTO_SELECTS) schemas[type] = autoSelect;

const SELECTS = new Set<C>([C.StringSelect, ...AUTO_SELECTS]);
type Component = { type: C; [key: string]: unknown };

function issue(path: Key[], code: string, message: string): FormIssue {
  return { path: path.map(String).join('.'), code, message };
}

function childrenOf(component: Component): Array<[Key[], unknown]> {
  const nested = Array.isArray(component['components'])
    ? (component['components'] as unknown[]).map((child, i): [Key[], unknown] => [['components', i], child])
    : [];
  for (const key of ['accessory', 'component']) {
    if (component[key] && typeof component[key] === 'object') nested.push([[key], component[key]]);
  }
  return nested;
}

function checkOne(component: Component, path: Key[], issues: FormIssue[]): void {
  const schema = schemas[component.type];
  const result = schema?.safeParse(component, { reportInput: true });
  if (result && !result.success) issues.push(...toIssues(result.error, path));
  if (component.type === C.ActionRow) {
    const children = (component['components'] as Component[] | undefined) ?? [];
    if (children.length > 1 && children.some((c) => SELECTS.has(c.type))) {
      issues.push(issue([...path, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width'));
    }
  }
  if (component.type === C.Button) {
    const link = component['style'] === ButtonStyle.Link;
    const premium = component['style'] === ButtonStyle.Premium;
    if (link && (!component['url'] || component['custom_id'] !== undefined)) {
      issues.push(issue(path, 'BUTTON_COMPONENT_INVALID_LINK', 'A link button needs a url and no custom_id'));
    }
    if (!link && !premium && component['custom_id'] === undefined) {
      issues.push(issue([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required'));
    }
    if (!link && component['url'] !== undefined) {
      issues.push(issue([...path, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'Only link buttons may have a url'));
    }
    if (!premium && !component['label'] && !component['emoji']) {
      issues.push(issue(path, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button needs a label or an emoji'));
    }
  }
  if (component.type === C.StringSelect) {
    const options = (component['options'] as unknown[] | undefined)?.length ?? 0;
    const max = (component['max_values'] as number | undefined) ?? 1;
    if (max > options) issues.push(issue([...path, 'max_values'], 'BASE_TYPE_MAX', `Must be ${options} or less.`));
  }
}

/**
 * Checks a components array: classic messages take at most five action rows; with
 * Components V2 (and in modals) there may be up to 40 components of the newer kinds.
 * custom_id must be unique across the whole message.
 */
export function checkComponents(components: unknown[], v2: boolean, prefix: Key[] = ['components']): FormIssue[] {
  const issues: FormIssue[] = [];
  const seen = new Set<string>();
  let count = 0;
  const visit = (value: unknown, path: Key[], topLevel: boolean) => {
    const parsed = anyComponent.safeParse(value);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, path));
      return;
    }
    const component = parsed.data as Component;
    count += 1;
    if (topLevel && !v2 && component.type !== C.ActionRow) {
      issues.push(issue([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).'));
    }
    checkOne(component, path, issues);
    const id = component['custom_id'];
    if (typeof id === 'string') {
      if (seen.has(id)) issues.push(issue([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated'));
      seen.add(id);
    }
    for (const [key, child] of childrenOf(component)) visit(child, [...path, ...key], false);
  };
  components.forEach((component, i) => visit(component, [...prefix, i], true));
  if (!v2 && components.length > 5) issues.push(issue(prefix, 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.'));
  if (v2 && count > 40) issues.push(issue(prefix, 'COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED', 'Maximum number of components exceeded (40).'));
  return issues;
}
