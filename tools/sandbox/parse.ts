// Reading what a person types at the sandbox prompt: sandbox verbs, and slash commands typed
// as in Discord (`/passage show ref:former-kazakhstan:2 public:true`), checked against the
// command definitions the bot registered.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandOption, CommandRecord, OptionValue } from '@marginalia/loopback';
import { ApplicationCommandOptionType as O, ApplicationCommandType } from 'discord.js';
import { describeOptions, TYPE_NAMES } from './help.js';

/** A slash command as the driver takes it. */
export interface ParsedSlash {
  name: string;
  group?: string;
  subcommand?: string;
  options: Record<string, OptionValue>;
  /** The option names in the order they were typed. */
  order: string[];
  /** `/passage search`, for labels. */
  label: string;
  /** The leaf options of the command, for autocomplete. */
  definitions: CommandOption[];
}

export type Action =
  | { kind: 'none' }
  | { kind: 'slash'; text: string }
  | { kind: 'complete'; text: string }
  | { kind: 'pick'; choice: number }
  | { kind: 'click'; button: number; message?: number }
  | { kind: 'select'; values: string[]; message?: number }
  | { kind: 'menu'; name: string | undefined; text: string }
  | { kind: 'as'; user: string }
  | { kind: 'in'; channel: string }
  | { kind: 'wait'; seconds: number }
  | { kind: 'commands' }
  | { kind: 'help' }
  | { kind: 'quit' };

/** A mistake in what was typed; shown as one line. */
export class InputError extends Error {}


/** `on 5`, `on #5` at the end of a click or select: the message number. */
function splitTarget(words: string[]): { words: string[]; message?: number } {
  const at = words.findIndex((w) => w.toLowerCase() === 'on');
  if (at === -1) return { words };
  const target = words.slice(at + 1).join(' ').replace(/^#/, '');
  if (!/^\d+$/.test(target)) throw new InputError(`"on" takes a message number, as in "click 2 on 5" (the numbers are in the message headers)`);
  return { words: words.slice(0, at), message: Number(target) };
}

/** Which kind of line this is. Slash commands are parsed later, against the registered commands. */
export function parseLine(line: string): Action {
  const text = line.trim();
  if (!text || text.startsWith('#')) return { kind: 'none' };
  if (text.startsWith('/')) return { kind: 'slash', text };
  const [first = '', ...rest] = text.split(/\s+/);
  const verb = first.toLowerCase();
  const tail = text.slice(first.length).trim();
  switch (verb) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'commands':
      return { kind: 'commands' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'complete':
    case 'autocomplete':
      if (!tail.startsWith('/')) throw new InputError('complete takes a slash command, as in "complete /passage search query:Baiko"');
      return { kind: 'complete', text: tail };
    case 'pick':
    case 'choose': {
      if (!/^\d+$/.test(tail)) throw new InputError(`${verb} takes the number of an autocomplete choice, as in "${verb} 1"`);
      return { kind: 'pick', choice: Number(tail) };
    }
    case 'click':
    case 'press': {
      const { words, message } = splitTarget(rest);
      if (words.length !== 1 || !/^\d+$/.test(words[0]!)) throw new InputError(`${verb} takes a button number, as in "click 2" or "click 2 on 5"`);
      return { kind: 'click', button: Number(words[0]), ...(message === undefined ? {} : { message }) };
    }
    case 'select': {
      const { words, message } = splitTarget(rest);
      if (!words.length) throw new InputError('select takes one or more option numbers, as in "select 1" or "select 1 3"');
      return { kind: 'select', values: words, ...(message === undefined ? {} : { message }) };
    }
    case 'find':
      if (!tail) throw new InputError('find takes the text of a message, as in "find What did the CSTO troops do?"');
      return { kind: 'menu', name: 'Find in articles', text: tail };
    case 'menu':
      if (!tail) throw new InputError('menu takes a context menu name and a message text, as in "menu Find in articles CSTO troops"');
      return { kind: 'menu', name: undefined, text: tail };
    case 'as':
      if (rest.length !== 1) throw new InputError('as takes who types, as in "as member" or "as admin"');
      return { kind: 'as', user: rest[0]!.replace(/^@/, '') };
    case 'in':
      if (rest.length !== 1) throw new InputError('in takes a channel, as in "in #general"');
      return { kind: 'in', channel: rest[0]!.replace(/^#/, '') };
    case 'wait':
    case 'sleep': {
      const match = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|minutes?)?$/i.exec(tail);
      if (!match) throw new InputError('wait takes a number of seconds, as in "wait 5" (or "wait 2m")');
      const seconds = Number(match[1]) * (match[2]?.toLowerCase().startsWith('m') ? 60 : 1);
      return { kind: 'wait', seconds };
    }
    default:
      throw new InputError(`Unknown input "${first}". Type a slash command such as /articles, or help for what can be typed.`);
  }
}

/** The option (or group, subcommand) definitions of a registered command. */
function levelOf(command: CommandRecord, words: string[], where: string[]): { group?: string; subcommand?: string; level: CommandOption[]; used: number } {
  let level = command.options;
  let used = 0;
  let group: string | undefined;
  let subcommand: string | undefined;
  const groups = level.filter((o) => o.type === O.SubcommandGroup);
  if (groups.length || level.some((o) => o.type === O.Subcommand)) {
    const word = words[used]?.toLowerCase();
    const nested = level.filter((o) => o.type === O.Subcommand || o.type === O.SubcommandGroup);
    const found = nested.find((o) => o.name === word);
    if (!found) {
      const list = nested.map((o) => o.name).join(', ');
      throw new InputError(word && !word.includes(':') ? `${where.join(' ')} has no subcommand "${word}" (it has: ${list})` : `${where.join(' ')} needs a subcommand: ${list}`);
    }
    used += 1;
    where.push(found.name);
    if (found.type === O.SubcommandGroup) {
      group = found.name;
      const subs = found.options ?? [];
      const next = words[used]?.toLowerCase();
      const sub = subs.find((o) => o.name === next);
      if (!sub) throw new InputError(`${where.join(' ')} needs a subcommand: ${subs.map((o) => o.name).join(', ')}`);
      used += 1;
      where.push(sub.name);
      subcommand = sub.name;
      level = sub.options ?? [];
    } else {
      subcommand = found.name;
      level = found.options ?? [];
    }
  }
  return { ...(group ? { group } : {}), ...(subcommand ? { subcommand } : {}), level, used };
}

function convert(definition: CommandOption, raw: string, where: string): OptionValue {
  const value = /^"(.*)"$/s.exec(raw)?.[1] ?? raw;
  if (definition.choices?.length) {
    const choice = definition.choices.find((c) => String(c.value) === value || c.name.toLowerCase() === value.toLowerCase());
    if (!choice) throw new InputError(`${where} option ${definition.name} is one of: ${definition.choices.map((c) => c.value).join(', ')}`);
    return choice.value;
  }
  switch (definition.type) {
    case O.String:
      return value;
    case O.Integer:
      if (!/^-?\d+$/.test(value)) throw new InputError(`${where} option ${definition.name} takes a whole number, not "${value}"`);
      return Number(value);
    case O.Number:
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw new InputError(`${where} option ${definition.name} takes a number, not "${value}"`);
      return Number(value);
    case O.Boolean: {
      const lower = value.toLowerCase();
      if (['true', 'yes', 'on'].includes(lower)) return true;
      if (['false', 'no', 'off'].includes(lower)) return false;
      throw new InputError(`${where} option ${definition.name} takes true or false, not "${value}"`);
    }
    case O.User:
    case O.Role:
    case O.Mentionable:
      // `@Readers`, `@member`, `<@id>`, `<@&id>`: the driver resolves names and ids.
      return /^<@[!&]?(\d+)>$/.exec(value)?.[1] ?? value.replace(/^@/, '');
    case O.Channel:
      return /^<#(\d+)>$/.exec(value)?.[1] ?? value.replace(/^#/, '');
    case O.Attachment:
      // `file:notes/reading-slowly.txt`: the file on disk is attached, as a member attaches one.
      try {
        return { filename: path.basename(value), bytes: new Uint8Array(readFileSync(value)) };
      } catch {
        throw new InputError(`${where} option ${definition.name} takes the path of a file to attach; "${value}" cannot be read`);
      }
    default:
      throw new InputError(`${where} option ${definition.name} is a ${TYPE_NAMES[definition.type] ?? `type ${definition.type}`}, which the sandbox cannot type`);
  }
}

/**
 * `/name [group] [subcommand] option:value ...`: each value runs until the next ` word:`
 * where word is an option of this command, so `ref:former-kazakhstan:2` and questions with
 * colons keep their colons. `focused` leaves the last option's text as typed (autocomplete).
 */
export function parseSlash(text: string, commands: CommandRecord[], focused = false): ParsedSlash {
  const body = text.replace(/^\//, '').trim();
  const name = (/^\S+/.exec(body)?.[0] ?? '').toLowerCase();
  const slashCommands = commands.filter((c) => c.type === ApplicationCommandType.ChatInput);
  const command = slashCommands.find((c) => c.name === name);
  if (!command) {
    const known = slashCommands.map((c) => `/${c.name}`).join(', ');
    throw new InputError(name ? `Unknown command /${name}. The bot registered: ${known || 'nothing yet'}.` : `Type a command name after the slash: ${known}`);
  }
  let rest = body.slice(name.length).trim();
  const where = [`/${command.name}`];
  const words = rest.split(/\s+/).filter(Boolean);
  const firstOption = words.findIndex((w) => w.includes(':'));
  const leading = words.slice(0, firstOption === -1 ? words.length : firstOption);
  const { group, subcommand, level, used } = levelOf(command, leading.slice(0, 2), where);
  for (let i = 0; i < used; i++) rest = rest.replace(/^\S+\s*/, '');
  const label = where.join(' ');

  const names = level.map((o) => o.name);
  // Every ` name:` where name is one of this command's options starts a value.
  const starts: Array<{ name: string; at: number; valueAt: number }> = [];
  const pattern = /(^|\s)([^\s:]+):/gu;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    const word = match[2]!;
    const at = match.index + match[1]!.length;
    if (names.includes(word.toLowerCase())) {
      starts.push({ name: word.toLowerCase(), at, valueAt: at + word.length + 1 });
    } else if (/^[a-z_]+$/.test(word) && /\S/.test(rest[at + word.length + 1] ?? '') && !rest.startsWith('//', at + word.length + 1)) {
      // `foo:bar` (no space after the colon) reads as an option, not prose: name the mistake.
      throw new InputError(`${label} has no option "${word}" (options: ${names.join(', ') || 'none'})`);
    }
  }
  const before = rest.slice(0, starts[0]?.at ?? rest.length).trim();
  if (before) {
    throw new InputError(
      names.length
        ? `${label}: "${before}" is not an option; type options as name:value (options: ${names.join(', ')})`
        : `${label} takes no options, but got "${before}"`,
    );
  }
  const options: Record<string, OptionValue> = {};
  const order: string[] = [];
  starts.forEach((start, index) => {
    const raw = rest.slice(start.valueAt, starts[index + 1]?.at ?? rest.length).trim();
    const definition = level.find((o) => o.name === start.name)!;
    if (start.name in options) throw new InputError(`${label}: option ${start.name} is given twice`);
    const last = index === starts.length - 1;
    if (!raw && !(focused && last)) throw new InputError(`${label}: option ${start.name} needs a value after the colon`);
    options[start.name] = focused && last ? raw : convert(definition, raw, label);
    order.push(start.name);
  });
  if (!focused) {
    const missing = level.filter((o) => o.required && !(o.name in options)).map((o) => o.name);
    if (missing.length) throw new InputError(`${label} needs ${missing.map((m) => `${m}:`).join(' and ')} (${describeOptions(level)})`);
  }
  return { name: command.name, ...(group ? { group } : {}), ...(subcommand ? { subcommand } : {}), options, order, label, definitions: level };
}
