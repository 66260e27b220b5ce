// Inputs generated with fast-check from the commands the bot registered: every command, subcommand
// and option, autocomplete on every autocomplete option, the context menus, and clicks on
// components (real ones from earlier replies, and forged ids). Nothing here names a command, so a
// command added later is covered as soon as it is registered.
import fc from 'fast-check';
import { ApplicationCommandOptionType as O, ApplicationCommandType } from 'discord.js';
import type { CommandOption, CommandRecord, OptionValue } from '@marginalia/loopback';

/** Who and what the generated values may name. `foreign` ones belong to another server (an altered client). */
export interface Entities {
  actors: string[];
  channels: string[];
  users: string[];
  roles: string[];
  foreignChannels: string[];
  foreignUsers: string[];
  foreignRoles: string[];
  /** Where a member may type a command (channel names or ids of the server). */
  places: string[];
  /** Known-good text per option (`command sub option`), e.g. autocomplete choices asked for before the run. */
  examples: Map<string, string[]>;
}

interface Where {
  user: string;
  channel: string;
}

export type GeneratedInput =
  | (Where & { kind: 'slash'; name: string; group?: string; subcommand?: string; options: Record<string, OptionValue>; unchecked: boolean })
  | (Where & { kind: 'autocomplete'; name: string; group?: string; subcommand?: string; options: Record<string, OptionValue>; focused: string })
  | (Where & { kind: 'menu'; name: string; content: string })
  /** A real component of a message the bot sent: the `pick`-th of those the user can see, and its `value`-th option. */
  | { kind: 'click'; user: string; pick: number; value: number }
  /** A custom id no bot message carries, sent on the `pick`-th message the user can see. */
  | { kind: 'forged'; user: string; pick: number; forged: ForgedId; values?: string[] };

export type ForgedId =
  | { from: 'text'; id: string }
  /** A real id cut after `at` characters. */
  | { from: 'truncated'; pick: number; at: number }
  /** A real id with its `field`-th `:`-separated part replaced. */
  | { from: 'mutated'; pick: number; field: number; text: string }
  /** A real id from a message in another server. */
  | { from: 'foreign'; pick: number };

/** One leaf of a command: the command, its group and subcommand, and the options there. */
export interface Leaf {
  command: CommandRecord;
  group?: string;
  subcommand?: string;
  options: CommandOption[];
}

export function leavesOf(command: CommandRecord): Leaf[] {
  const nested = (o: CommandOption) => o.type === O.Subcommand || o.type === O.SubcommandGroup;
  if (!command.options.some(nested)) return [{ command, options: command.options }];
  return command.options.flatMap((o): Leaf[] =>
    o.type === O.SubcommandGroup
      ? (o.options ?? []).map((sub) => ({ command, group: o.name, subcommand: sub.name, options: sub.options ?? [] }))
      : [{ command, subcommand: o.name, options: o.options ?? [] }],
  );
}

export function optionKey(leaf: Leaf, option: string): string {
  return [leaf.command.name, leaf.group, leaf.subcommand, option].filter(Boolean).join(' ');
}

/** Discord's limit for a string option without max_length. */
const STRING_OPTION_MAX = 6000;
/** Discord's integer options: the safe integers of a double. */
const INTEGER_LIMIT = 2 ** 53;

const MARKDOWN = [
  '**bold**', '*it*', '__under__', '~~struck~~', '`code`', '```js\nx()\n```', '> quote', '||spoiler||',
  '[link](https://example.com)', '# Heading', '-# small', '\\*', '<t:0:R>', ':smile:', '<:emoji:123456789012345678>',
  'https://discord.com/channels/1/2/3', '|', ' | ', ',', ';', ':', '%s', '${x}', '{{x}}', '\\', '"', "'", '&amp;', '<b>x</b>',
];
const WHITESPACE = ['', ' ', '   ', '\n', '\n\n', '\t', '\u200b', '\u00a0', ' \n ', '\r\n'];
const NUMBERS = ['0', '-1', '1e309', 'NaN', 'Infinity', '99999999999999999999', '0x10', '00:00', '23:59', '24:00', '1.5', '-0'];

function fill(base: string, length: number): string {
  const unit = base || 'x';
  let text = unit.repeat(Math.ceil(length / unit.length));
  text = Array.from(text).join('');
  // Cut on a code point, then drop code points until it fits in `length` UTF-16 units.
  const points = Array.from(text);
  while (points.join('').length > length) points.pop();
  return points.join('');
}

/**
 * The values an option's description gives as examples or as a list of choices:
 * "e.g. 90s, 15m, 2h" → 90s, 15m, 2h; "every day (default), weekdays, or a list like mon,wed,fri"
 * → every day, weekdays, mon,wed,fri; "30s to 7d" → 30s, 7d.
 */
function examplesInDescription(description: string): string[] {
  const pieces = description
    .replace(/\([^)]*\)/g, '')
    .split(/, (?:or )?| or | to |: /)
    .map((piece) => piece.replace(/^.*\b(?:e\.g\.|like|such as)\s+/, '').trim())
    .filter((piece) => piece.length > 0 && piece.length <= 30);
  return [...new Set(pieces)];
}

/** An option value the executor replaces by the `n`-th text the bot showed earlier (an id, a reference, a link). */
export const ECHO = '\u0000echo:';

function stringValue(option: CommandOption, entities: Entities, examples: string[], unchecked: boolean): fc.Arbitrary<string> {
  const max = option.max_length ?? STRING_OPTION_MAX;
  const mentions = [
    '@everyone', '@here',
    ...entities.roles.map((id) => `<@&${id}>`),
    ...entities.users.map((id) => `<@${id}>`),
    ...entities.users.map((id) => `<@!${id}>`),
    ...entities.channels.map((id) => `<#${id}>`),
  ];
  const known = [...examples, ...examplesInDescription(option.description)];
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...MARKDOWN) },
    { weight: 2, arbitrary: fc.constantFrom(...mentions) },
    { weight: 1, arbitrary: fc.constantFrom(...WHITESPACE) },
    { weight: 1, arbitrary: fc.constantFrom(...NUMBERS) },
    ...(known.length ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
  );
  const joined = fc
    .tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom(' ', '', ' | ', ',', '\n'))
    .map(([parts, separator]) => parts.join(separator));
  const long = fc.tuple(joined, fc.integer({ min: Math.max(0, max - 20), max })).map(([text, length]) => fill(text, length));
  const tooLong = fc.tuple(joined, fc.integer({ min: max + 1, max: max + 100 })).map(([text, length]) => fill(text, length));
  const variants: Array<fc.WeightedArbitrary<string>> = [
    { weight: 10, arbitrary: joined.map((text) => text.slice(0, max)) },
    { weight: 1, arbitrary: long },
    { weight: 1, arbitrary: fc.constantFrom(...WHITESPACE) },
  ];
  // Only the examples that fit: filtering an arbitrary none of whose values pass would loop forever.
  const fitting = known.filter((text) => text.length <= max);
  if (fitting.length) variants.push({ weight: 12, arbitrary: fc.constantFrom(...fitting) });
  variants.push({ weight: 2, arbitrary: fc.nat().map((n) => `${ECHO}${n}`) });
  if (option.choices?.length && !unchecked) return fc.constantFrom(...option.choices.map((c) => String(c.value)));
  if (option.choices?.length) variants.push({ weight: 4, arbitrary: fc.constantFrom(...option.choices.map((c) => String(c.value))) });
  if (unchecked) variants.push({ weight: 1, arbitrary: tooLong });
  let text = fc.oneof(...variants);
  if (!unchecked) text = text.filter((value) => value.length >= (option.min_length ?? 0) && value.length <= max);
  return text;
}

function numberValue(option: CommandOption, unchecked: boolean): fc.Arbitrary<number> {
  const integer = option.type === O.Integer;
  const min = option.min_value ?? -INTEGER_LIMIT;
  const max = option.max_value ?? INTEGER_LIMIT;
  const inRange = integer
    ? fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(min, max))
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  if (option.choices?.length) {
    const chosen = fc.constantFrom(...option.choices.map((c) => Number(c.value)));
    return unchecked ? fc.oneof(chosen, inRange) : chosen;
  }
  if (!unchecked) return inRange;
  // What an altered client can send: just outside the range, and the edges of Discord's integers.
  const outside = integer
    ? fc.oneof(fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 31, -(2 ** 53) + 1, 2 ** 53 - 1), fc.maxSafeInteger())
    : fc.oneof(fc.constantFrom(min - 0.5, max + 0.5, 0, -1, 1e308, -1e308, 5e-324), fc.double({ noNaN: true, noDefaultInfinity: true }));
  return fc.oneof(inRange, outside);
}

/**
 * A file as a member could attach one: text, Markdown with or without front matter, bytes that
 * are not UTF-8, or nothing at all. As text it reads as its name, the part a member chose.
 */
const attachedFile: fc.Arbitrary<OptionValue> = fc
  .record({
    filename: fc.constantFrom('notes.txt', 'Notes Draft.TXT', 'article.md', 'photo.png', 'no-extension'),
    bytes: fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 200 }).map((text) => `---\nid: generated\ntitle: Generated\nkind: test\n---\n\n${text}\n`),
      fc.uint8Array({ maxLength: 200 }),
    ),
  })
  .map((file) => ({ ...file, toString: () => file.filename }));

function optionValue(option: CommandOption, entities: Entities, examples: string[], unchecked: boolean): fc.Arbitrary<OptionValue> {
  const pick = (known: string[], foreign: string[]) => fc.constantFrom(...known, ...(unchecked ? foreign : []));
  switch (option.type) {
    case O.String:
      return stringValue(option, entities, examples, unchecked);
    case O.Integer:
    case O.Number:
      return numberValue(option, unchecked);
    case O.Boolean:
      return fc.boolean();
    case O.Channel:
      return pick(entities.channels, entities.foreignChannels);
    case O.Role:
      return pick(entities.roles, entities.foreignRoles);
    case O.User:
      return pick(entities.users, entities.foreignUsers);
    case O.Mentionable:
      return pick([...entities.users, ...entities.roles], [...entities.foreignUsers, ...entities.foreignRoles]);
    case O.Attachment:
      return attachedFile;
    default:
      // A type the loopback driver cannot send yet: fail loudly so that it gets added.
      throw new Error(`generated inputs: option '${option.name}' has type ${option.type}, which the generator cannot send`);
  }
}

function leafOptions(leaf: Leaf, entities: Entities, unchecked: boolean, skip?: string): fc.Arbitrary<Record<string, OptionValue>> {
  const shape: Record<string, fc.Arbitrary<OptionValue>> = {};
  const required: string[] = [];
  for (const option of leaf.options) {
    if (option.name === skip) continue;
    shape[option.name] = optionValue(option, entities, entities.examples.get(optionKey(leaf, option.name)) ?? [], unchecked);
    if (option.required && skip === undefined) required.push(option.name);
  }
  return fc.record(shape, { requiredKeys: required }) as fc.Arbitrary<Record<string, OptionValue>>;
}

function where(entities: Entities) {
  return fc.record({
    user: fc.constantFrom(...entities.actors),
    channel: fc.oneof({ weight: 4, arbitrary: fc.constant(entities.places[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...entities.places) }),
  });
}

const unknownPrefixes = (commands: CommandRecord[]) =>
  fc.oneof(
    fc.constantFrom('', ':', '::', 'daily:', 'settings:', 'help:', 'articles:', 'quote:', 'undefined:', 'null', 'poll:', 'poll:vote:', 'passage:'),
    fc.constantFrom(...commands.map((c) => `${c.name}:`)),
  );

function forgedId(commands: CommandRecord[]): fc.Arbitrary<ForgedId> {
  const text = fc.oneof(
    fc.tuple(unknownPrefixes(commands), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })).map(([prefix, rest]) => (prefix + rest).slice(0, 100)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }).filter((id) => id.length <= 100),
    fc.tuple(unknownPrefixes(commands), fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 100 })).map(([prefix, rest]) => (prefix + rest).slice(0, 100)),
  );
  return fc.oneof(
    { weight: 3, arbitrary: text.map((id): ForgedId => ({ from: 'text', id })) },
    { weight: 2, arbitrary: fc.record({ from: fc.constant('truncated' as const), pick: fc.nat(), at: fc.nat({ max: 99 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        from: fc.constant('mutated' as const),
        pick: fc.nat(),
        field: fc.nat({ max: 5 }),
        text: fc.oneof(fc.constantFrom('', '0', '-1', '99', '999999', 'x', 'prev', 'next', '1-999', 'NaN'), fc.string({ unit: 'grapheme-ascii', maxLength: 20 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ from: fc.constant('foreign' as const), pick: fc.nat() }) },
  );
}

/** Every kind of input, for the registered commands. */
export function generatedInput(commands: CommandRecord[], entities: Entities): fc.Arbitrary<GeneratedInput> {
  const arbitraries: Array<fc.WeightedArbitrary<GeneratedInput>> = [];
  for (const command of commands) {
    if (command.type === ApplicationCommandType.ChatInput) {
      for (const leaf of leavesOf(command)) {
        const path = { name: command.name, ...(leaf.group ? { group: leaf.group } : {}), ...(leaf.subcommand ? { subcommand: leaf.subcommand } : {}) };
        for (const unchecked of [false, true]) {
          arbitraries.push({
            weight: unchecked ? 2 : 6,
            arbitrary: fc
              .tuple(where(entities), leafOptions(leaf, entities, unchecked))
              .map(([at, options]): GeneratedInput => ({ kind: 'slash', ...at, ...path, options, unchecked })),
          });
        }
        for (const option of leaf.options.filter((o) => o.autocomplete)) {
          const typed = stringValue({ ...option, type: O.String, choices: [] }, entities, entities.examples.get(optionKey(leaf, option.name)) ?? [], false);
          arbitraries.push({
            weight: 3,
            arbitrary: fc
              .tuple(where(entities), leafOptions(leaf, entities, false, option.name), typed)
              .map(([at, options, text]): GeneratedInput => ({ kind: 'autocomplete', ...at, ...path, options: { ...options, [option.name]: text }, focused: option.name })),
          });
        }
      }
    } else if (command.type === ApplicationCommandType.Message) {
      const content = stringValue({ type: O.String, name: 'content', description: '', max_length: 2000 }, entities, [], false).filter((text) => text.trim().length > 0);
      arbitraries.push({
        weight: 4,
        arbitrary: fc.tuple(where(entities), content).map(([at, text]): GeneratedInput => ({ kind: 'menu', ...at, name: command.name, content: text })),
      });
    } else {
      throw new Error(`generated inputs: /${command.name} has command type ${command.type}, which the generator cannot send`);
    }
  }
  const actor = fc.constantFrom(...entities.actors);
  arbitraries.push({ weight: 25, arbitrary: fc.record({ kind: fc.constant('click' as const), user: actor, pick: fc.nat(), value: fc.nat() }) });
  arbitraries.push({
    weight: 10,
    arbitrary: fc
      .record({ user: actor, pick: fc.nat(), forged: forgedId(commands), values: fc.option(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 }), { nil: undefined }) })
      .map((f): GeneratedInput => ({ kind: 'forged', user: f.user, pick: f.pick, forged: f.forged, ...(f.values ? { values: f.values } : {}) })),
  });
  return fc.oneof(...arbitraries);
}
