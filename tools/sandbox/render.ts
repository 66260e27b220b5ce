// A message as text for the sandbox's terminal: content, embeds, numbered buttons and menu options.
import type { Component, MessageRecord, World } from '@marginalia/loopback';
import { ButtonStyle, ComponentType as C } from 'discord.js';

export interface Style {
  ansi: boolean;
  bold(text: string): string;
  dim(text: string): string;
  italic(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
}

export function style(ansi: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (ansi ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { ansi, bold: wrap(1, 22), dim: wrap(2, 22), italic: wrap(3, 23), red: wrap(31, 39), cyan: wrap(36, 39) };
}

interface SelectOption {
  label?: string;
  value: string;
  description?: string;
  default?: boolean;
}
interface Part extends Component {
  label?: string;
  url?: string;
  emoji?: { name?: string | null; id?: string | null };
  placeholder?: string;
  content?: string;
  options?: SelectOption[];
}

const SELECTS = new Set<C>([C.StringSelect, C.UserSelect, C.RoleSelect, C.MentionableSelect, C.ChannelSelect]);

function* walk(components: Part[]): Generator<Part> {
  for (const component of components) {
    yield component;
    if (component.components) yield* walk(component.components as Part[]);
    if (component.accessory) yield component.accessory as Part;
    if (component.component) yield component.component as Part;
  }
}

/** The buttons a person can press (numbered from 1, link buttons left out) and the select menus. */
export function interactive(message: MessageRecord): { buttons: Part[]; menus: Part[] } {
  const all = [...walk(message.components as Part[])];
  return {
    buttons: all.filter((c) => c.type === C.Button && c.custom_id && c.style !== ButtonStyle.Link && c.style !== ButtonStyle.Premium),
    menus: all.filter((c) => SELECTS.has(c.type) && c.custom_id),
  };
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** Discord's `<t:unix:style>`, in the machine's timezone. */
function timestamp(seconds: number, format: string): string {
  const date = new Date(seconds * 1000);
  if (format === 'R') {
    const delta = seconds - Date.now() / 1000;
    const [unit, size] = UNITS.find(([, s]) => Math.abs(delta) >= s) ?? ['second', 1];
    return RELATIVE.format(Math.round(delta / size), unit);
  }
  const options: Record<string, Intl.DateTimeFormatOptions> = {
    t: { timeStyle: 'short' },
    T: { timeStyle: 'medium' },
    d: { dateStyle: 'short' },
    D: { dateStyle: 'long' },
    f: { dateStyle: 'long', timeStyle: 'short' },
    F: { dateStyle: 'full', timeStyle: 'short' },
  };
  return date.toLocaleString('en-GB', options[format] ?? options['f']);
}

/** Mentions, channels, timestamps and emoji as a person sees them in Discord's client. */
function resolveMarkup(world: World, guildId: string | null, text: string): string {
  return text
    .replace(/<#(\d+)>/g, (_, id: string) => `#${world.channel(id)?.name ?? 'unknown-channel'}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${(guildId && world.role(guildId, id)?.name) || 'unknown-role'}`)
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${world.user(id)?.username ?? 'unknown-user'}`)
    .replace(/<\/([^:>]+):\d+>/g, '/$1')
    .replace(/<a?(:\w+:)\d+>/g, '$1')
    .replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_, s: string, f: string | undefined) => timestamp(Number(s), f ?? 'f'));
}

/** Discord markdown to ANSI on a terminal; left as typed otherwise. */
function markdown(s: Style, text: string): string {
  if (!s.ansi) return text;
  return text
    .split('\n')
    .map((line) => {
      const heading = /^#{1,3} (.*)$/.exec(line);
      if (heading) return s.bold(heading[1]!);
      const small = /^-# (.*)$/.exec(line);
      if (small) return s.dim(small[1]!);
      return line
        .replace(/\*\*(.+?)\*\*/g, (_, x: string) => s.bold(x))
        .replace(/(^|[^*\w])\*([^*\s][^*]*?)\*(?!\*)/g, (_, p: string, x: string) => p + s.italic(x))
        .replace(/(^|\W)_([^_\s][^_]*?)_(?!\w)/g, (_, p: string, x: string) => p + s.italic(x));
    })
    .join('\n');
}

const indent = (text: string, prefix: string) => text.split('\n').map((line) => prefix + line).join('\n');

interface Embed {
  title?: string;
  url?: string;
  description?: string;
  author?: { name?: string };
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text?: string };
  timestamp?: string;
  image?: { url?: string };
  thumbnail?: { url?: string };
}

function renderEmbed(s: Style, text: (t: string) => string, embed: Embed): string[] {
  const lines: string[] = [];
  if (embed.author?.name) lines.push(s.dim(text(embed.author.name)));
  if (embed.title) lines.push(s.bold(text(embed.title).replace(/\*\*/g, '')) + (embed.url ? s.dim(` (${embed.url})`) : ''));
  if (embed.description) lines.push(text(embed.description));
  for (const field of embed.fields ?? []) {
    const value = text(field.value);
    lines.push(value.includes('\n') ? `${s.bold(text(field.name))}:\n${indent(value, '  ')}` : `${s.bold(text(field.name))}: ${value}`);
  }
  if (embed.image?.url) lines.push(s.dim(`(image: ${embed.image.url})`));
  if (embed.thumbnail?.url) lines.push(s.dim(`(thumbnail: ${embed.thumbnail.url})`));
  const footer = [embed.footer?.text ? text(embed.footer.text) : '', embed.timestamp ? new Date(embed.timestamp).toLocaleString('en-GB') : ''].filter(Boolean);
  if (footer.length) lines.push(s.dim(`— ${footer.join(' · ')}`));
  return [indent(lines.join('\n'), s.cyan('│ '))];
}

function buttonLabel(part: Part): string {
  return [part.emoji?.name, part.label].filter(Boolean).join(' ') || '(no label)';
}

function renderComponents(s: Style, text: (t: string) => string, message: MessageRecord): string[] {
  const { buttons, menus } = interactive(message);
  const lines: string[] = [];
  const rows: string[] = [];
  let row: string[] = [];
  const endRow = () => {
    if (row.length) rows.push(row.join('  '));
    row = [];
  };
  // Buttons keep their rows as on Discord; link buttons are shown with their address.
  for (const part of walk(message.components as Part[])) {
    if (part.type === C.ActionRow) endRow();
    if (part.type === C.TextDisplay && part.content) {
      endRow();
      rows.push(text(part.content));
    }
    if (part.type !== C.Button) continue;
    if (part.style === ButtonStyle.Link) {
      row.push(`[link] ${buttonLabel(part)} → ${part.url ?? ''}`);
      continue;
    }
    const n = buttons.indexOf(part) + 1;
    if (n === 0) continue;
    const label = `[${n}] ${buttonLabel(part)}`;
    row.push(part.disabled ? s.dim(`${label} (disabled)`) : s.bold(label));
  }
  endRow();
  lines.push(...rows);
  menus.forEach((menu, index) => {
    const min = menu.min_values ?? 1;
    const max = menu.max_values ?? 1;
    const how = max > 1 ? `choose ${min === max ? max : `${min} to ${max}`}: select 1 3` : 'choose one: select 1';
    const name = menus.length > 1 ? `Menu ${index + 1}` : 'Menu';
    const state = menu.disabled ? ' (disabled)' : '';
    lines.push(`${name}${menu.placeholder ? ` "${text(menu.placeholder)}"` : ''}${state} (${how})`);
    if (menu.type === C.StringSelect) {
      (menu.options ?? []).forEach((option, i) => {
        const description = option.description ? s.dim(` · ${text(option.description)}`) : '';
        lines.push(`  ${i + 1}. ${text(option.label ?? option.value)}${option.default ? ' (default)' : ''}${description}`);
      });
    } else {
      const kinds: Partial<Record<C, string>> = {
        [C.UserSelect]: 'users, as @member',
        [C.RoleSelect]: 'roles, as @Readers',
        [C.MentionableSelect]: 'users or roles',
        [C.ChannelSelect]: 'channels, as #study',
      };
      lines.push(s.dim(`  (pick ${kinds[menu.type] ?? 'values'} by name)`));
    }
  });
  return lines;
}

/** A message under its header line: content, embeds, then components. */
export function renderMessage(world: World, s: Style, message: MessageRecord, header: string): string {
  const text = (t: string) => markdown(s, resolveMarkup(world, message.guildId, t));
  const body: string[] = [];
  if (message.content) body.push(text(message.content));
  for (const embed of message.embeds as Embed[]) body.push(...renderEmbed(s, text, embed));
  for (const attachment of message.attachments) body.push(s.dim(`(attachment: ${attachment.filename}, ${attachment.size} bytes)`));
  body.push(...renderComponents(s, text, message));
  if (!body.length) body.push(s.dim('(empty message)'));
  const rule = `── ${header} `;
  return [s.cyan(rule + '─'.repeat(Math.max(3, 64 - rule.length))), indent(body.join('\n'), '  ')].join('\n');
}

/** Autocomplete choices, numbered for `pick`. */
export function renderChoices(s: Style, choices: Array<{ name: string; value: string | number }>): string {
  if (!choices.length) return s.dim('  (the bot offers no choices)');
  return choices
    .map((choice, i) => `  ${i + 1}. ${choice.name}${String(choice.value) !== choice.name ? s.dim(`  → ${choice.value}`) : ''}`)
    .join('\n');
}
