// Typing a test's option values by the command the bot registered, as Discord's client would.
import {
  ApplicationCommandOptionType as O,
  type APIAttachment,
  type APIChannel,
  type APIInteractionDataResolvedChannel,
  type APIInteractionDataResolvedGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type ApplicationCommandType,
} from 'discord-api-types/v10';
import { renderChannel, renderMember, renderRole, renderUser } from './render.js';
import { snowflake } from './snowflake.js';
import type { CommandOption, CommandRecord, GuildRecord } from './types.js';
import type { World } from './world.js';

/** A file for an attachment option: Discord's client uploads it and the interaction carries its id and CDN URL. */
export interface FileInput {
  filename: string;
  /** The file's bytes; a string is sent as UTF-8. */
  bytes: Uint8Array | string;
  /** Default: from the file name's extension, as Discord's client guesses it. */
  contentType?: string;
}

export type OptionValue = string | number | boolean | FileInput;

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
  pdf: 'application/pdf',
};

export interface CommandInput {
  name: string;
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
  /** For autocomplete: the option being typed in; its value is sent as the raw text. */
  focused?: string;
  /**
   * Send what an altered client could: values outside min/max, max_length and choices, any
   * channel type, and users, roles and channels of other servers (a user outside the server
   * comes without a member, as Discord sends one who left). The option types are still checked.
   */
  unchecked?: boolean;
}

interface ApiOption {
  type: O;
  name: string;
  value?: OptionValue;
  focused?: boolean;
  options?: ApiOption[];
}

/** `data.resolved` of an interaction: what the ids in its options or values stand for. */
export interface Resolved {
  users?: Record<string, APIUser>;
  members?: Record<string, APIInteractionDataResolvedGuildMember>;
  roles?: Record<string, APIRole>;
  channels?: Record<string, APIInteractionDataResolvedChannel>;
  messages?: Record<string, APIMessage>;
  attachments?: Record<string, APIAttachment>;
}

const TYPE_NAMES: Partial<Record<O, string>> = {
  [O.String]: 'string',
  [O.Integer]: 'integer',
  [O.Boolean]: 'boolean',
  [O.User]: 'user',
  [O.Channel]: 'channel',
  [O.Role]: 'role',
  [O.Mentionable]: 'mentionable',
  [O.Number]: 'number',
  [O.Attachment]: 'attachment',
};

/** The command the bot registered under this name: the guild's first, then the global one. */
export function registeredCommand(world: World, guildId: string, name: string, type: ApplicationCommandType): CommandRecord {
  const found =
    world.commands(guildId).find((c) => c.name === name && c.type === type) ??
    world.commands().find((c) => c.name === name && c.type === type);
  if (!found) {
    const known = [...world.commands(guildId), ...world.commands()].filter((c) => c.type === type).map((c) => c.name);
    throw new Error(`loopback driver: the bot registered no command '${name}' of type ${type} (registered: ${known.join(', ') || 'none'})`);
  }
  return found;
}

interface Context {
  world: World;
  guild: GuildRecord;
  channelId: string;
  where: string;
  resolved: Resolved;
  unchecked?: boolean;
  /** Where the loopback serves attached files (`http://127.0.0.1:<port>`); commands only, select menus carry no files. */
  filesUrl?: string;
}

function pick(level: CommandOption[], type: O.Subcommand | O.SubcommandGroup, name: string | undefined, where: string): CommandOption | undefined {
  const nested = level.filter((o) => o.type === type);
  if (!name) {
    // A missing group is fine (the subcommand may be top-level); a missing subcommand is not.
    if (type === O.Subcommand && nested.length) throw new Error(`loopback driver: ${where} needs a subcommand: ${nested.map((o) => o.name).join(', ')}`);
    return undefined;
  }
  const found = nested.find((o) => o.name === name);
  if (!found) throw new Error(`loopback driver: ${where} has no ${type === O.Subcommand ? 'subcommand' : 'group'} '${name}'`);
  return found;
}

function resolveId(ctx: Context, definition: CommandOption, raw: OptionValue): string {
  const { world, guild, resolved } = ctx;
  const text = String(raw);
  const user = world.user(text);
  const role = world.role(guild.id, text) ?? (ctx.unchecked ? [...world.guildsById.values()].flatMap((g) => g.roles).find((r) => r.id === text) : undefined);
  const channel = world.channel(text);
  const kind = definition.type;
  if (ctx.unchecked && (kind === O.User || kind === O.Mentionable) && user && !guild.members.has(user.id)) {
    (resolved.users ??= {})[user.id] = renderUser(user);
    return user.id;
  }
  if ((kind === O.User || kind === O.Mentionable) && user && guild.members.has(user.id)) {
    const member = guild.members.get(user.id);
    (resolved.users ??= {})[user.id] = renderUser(user);
    if (member) {
      const { user: _omit, ...rest } = renderMember(world, member);
      (resolved.members ??= {})[user.id] = { ...rest, permissions: world.permissionsIn(ctx.channelId, user.id).toString() };
    }
    return user.id;
  }
  if ((kind === O.Role || kind === O.Mentionable) && role) {
    (resolved.roles ??= {})[role.id] = renderRole(role);
    return role.id;
  }
  if (kind === O.Channel && channel && (channel.guildId === guild.id || ctx.unchecked)) {
    if (!ctx.unchecked && definition.channel_types?.length && !definition.channel_types.includes(channel.type)) {
      throw new Error(`loopback driver: ${ctx.where} option '${definition.name}' takes channel types ${definition.channel_types.join(', ')}, not ${channel.type}`);
    }
    // Discord sends the channel without its overwrites, plus the bot's permissions in it.
    const { permission_overwrites: _omit, ...rest } = renderChannel(world, channel) as APIChannel & { permission_overwrites?: unknown };
    const permissions = world.permissionsIn(channel.id, world.bot.id).toString();
    (resolved.channels ??= {})[channel.id] = { ...rest, permissions } as APIInteractionDataResolvedChannel;
    return channel.id;
  }
  throw new Error(`loopback driver: ${ctx.where} option '${definition.name}' (${TYPE_NAMES[kind]}) got '${text}', which names no such ${TYPE_NAMES[kind]} in ${guild.name}`);
}

/** Stores an attached file where the loopback serves it and puts it in `resolved.attachments`, as Discord's CDN and client do. */
function attach(ctx: Context, where: string, raw: OptionValue): string {
  if (typeof raw !== 'object' || typeof raw.filename !== 'string' || raw.bytes === undefined) {
    throw new Error(`loopback driver: ${where} is attachment, got ${JSON.stringify(raw)}; give { filename, bytes }`);
  }
  if (!ctx.filesUrl) throw new Error(`loopback driver: ${where}: files can only be attached to commands`);
  const bytes = typeof raw.bytes === 'string' ? new Uint8Array(Buffer.from(raw.bytes, 'utf8')) : raw.bytes;
  const extension = /\.([a-z0-9]+)$/i.exec(raw.filename)?.[1]?.toLowerCase() ?? '';
  const contentType = raw.contentType ?? CONTENT_TYPES[extension] ?? 'application/octet-stream';
  const id = snowflake();
  ctx.world.uploadsById.set(id, { id, channelId: ctx.channelId, filename: raw.filename, contentType, bytes, downloads: 0 });
  const url = `${ctx.filesUrl}/ephemeral-attachments/${ctx.channelId}/${id}/${encodeURIComponent(raw.filename)}`;
  (ctx.resolved.attachments ??= {})[id] = { id, filename: raw.filename, size: bytes.byteLength, url, proxy_url: url, content_type: contentType, ephemeral: true };
  return id;
}

function convert(ctx: Context, declared: CommandOption, raw: OptionValue): OptionValue {
  // An altered client ignores the declared limits and choices, not the option's type.
  const definition: CommandOption = ctx.unchecked ? { type: declared.type, name: declared.name, description: declared.description } : declared;
  const where = `${ctx.where} option '${definition.name}'`;
  const wrong = () => new Error(`loopback driver: ${where} is ${TYPE_NAMES[definition.type]}, got ${JSON.stringify(raw)}`);
  if (definition.type === O.Attachment) return attach(ctx, where, raw);
  if (typeof raw === 'object') throw wrong();
  switch (definition.type) {
    case O.String: {
      if (typeof raw !== 'string') throw wrong();
      if (definition.min_length !== undefined && raw.length < definition.min_length) throw new Error(`loopback driver: ${where} needs at least ${definition.min_length} characters`);
      if (definition.max_length !== undefined && raw.length > definition.max_length) throw new Error(`loopback driver: ${where} takes at most ${definition.max_length} characters`);
      break;
    }
    case O.Integer:
    case O.Number: {
      if (typeof raw !== 'number' || (definition.type === O.Integer && !Number.isInteger(raw))) throw wrong();
      if (definition.min_value !== undefined && raw < definition.min_value) throw new Error(`loopback driver: ${where} must be ≥ ${definition.min_value}`);
      if (definition.max_value !== undefined && raw > definition.max_value) throw new Error(`loopback driver: ${where} must be ≤ ${definition.max_value}`);
      break;
    }
    case O.Boolean:
      if (typeof raw !== 'boolean') throw wrong();
      break;
    case O.User:
    case O.Channel:
    case O.Role:
    case O.Mentionable:
      return resolveId(ctx, definition, raw);
    default:
      throw new Error(`loopback driver: ${where} of type ${TYPE_NAMES[definition.type] ?? definition.type} is not supported`);
  }
  if (definition.choices?.length && !definition.choices.some((c) => c.value === raw)) {
    throw new Error(`loopback driver: ${where} must be one of ${definition.choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
  }
  return raw;
}

function leafOptions(ctx: Context, level: CommandOption[], input: CommandInput): ApiOption[] {
  const given = input.options ?? {};
  for (const name of Object.keys(given)) {
    if (!level.some((o) => o.name === name)) {
      throw new Error(`loopback driver: ${ctx.where} has no option '${name}' (options: ${level.map((o) => o.name).join(', ') || 'none'})`);
    }
  }
  if (input.focused !== undefined && !level.find((o) => o.name === input.focused)?.autocomplete) {
    throw new Error(`loopback driver: ${ctx.where} option '${input.focused}' has no autocomplete`);
  }
  const result: ApiOption[] = [];
  for (const definition of level) {
    const raw = given[definition.name];
    if (raw === undefined) {
      if (definition.required && input.focused === undefined) throw new Error(`loopback driver: ${ctx.where} needs option '${definition.name}'`);
      continue;
    }
    if (definition.name === input.focused) {
      // Discord sends what the user has typed so far, as text, whatever the option's type.
      result.push({ type: definition.type, name: definition.name, value: String(raw), focused: true });
    } else {
      result.push({ type: definition.type, name: definition.name, value: convert(ctx, definition, raw) });
    }
  }
  return result;
}

/** An id for a user/role/channel/mentionable value (a select menu's), filling `resolved`. */
export function resolveValue(world: World, guild: GuildRecord, channelId: string, optionType: O, raw: string, resolved: Resolved): string {
  const definition: CommandOption = { type: optionType, name: 'values', description: '' };
  return resolveId({ world, guild, channelId, where: 'select menu', resolved }, definition, raw);
}

/**
 * `data.options` and `data.resolved` for a chat input command, nested under its group and
 * subcommand. Attached files are served under `filesUrl`.
 */
export function commandOptions(world: World, guild: GuildRecord, channelId: string, command: CommandRecord, input: CommandInput, filesUrl: string) {
  const ctx: Context = { world, guild, channelId, where: `/${command.name}`, resolved: {}, unchecked: input.unchecked, filesUrl };
  const group = pick(command.options, O.SubcommandGroup, input.group, ctx.where);
  if (group) ctx.where += ` ${group.name}`;
  const subcommand = pick(group?.options ?? command.options, O.Subcommand, input.subcommand, ctx.where);
  if (subcommand) ctx.where += ` ${subcommand.name}`;
  let options = leafOptions(ctx, subcommand?.options ?? group?.options ?? command.options, input);
  if (subcommand) options = [{ type: O.Subcommand, name: subcommand.name, options }];
  if (group) options = [{ type: O.SubcommandGroup, name: group.name, options }];
  const resolved = Object.keys(ctx.resolved).length ? ctx.resolved : undefined;
  return { options, resolved };
}
