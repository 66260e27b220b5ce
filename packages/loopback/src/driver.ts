// Acts as the people in the world: sends the interactions Discord would send when they use the bot.
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
  PermissionFlagsBits as P,
} from 'discord-api-types/v10';
import { commandOptions, registeredCommand, resolveValue, type CommandInput, type Resolved } from './driver-options.js';
import { findComponent, modalSubmission } from './driver-components.js';
import type { Gateway } from './gateway.js';
import { createMessage } from './messages.js';
import { has } from './permissions.js';
import { renderChannel, renderMember, renderMessage } from './render.js';
import { InteractionRun } from './run.js';
import { shardOf, snowflake } from './snowflake.js';
import type { ChannelRecord, CommandRecord, GuildRecord, InteractionRecord, MessageRecord, UserRecord } from './types.js';
import { DEFAULT_TIMEOUT_MS } from './wait.js';
import type { World } from './world.js';

export interface Who {
  /** A user's name in `world.users` (`admin`, `member`, ...) or id. */
  user: string;
  /** A channel id or a default-guild channel name; default `study`. */
  channel?: string;
}

export type SlashInput = Who & Omit<CommandInput, 'focused'>;
export type AutocompleteInput = Who & CommandInput & { focused: string };
export interface ComponentInput {
  user: string;
  message: MessageRecord | string;
  customId: string;
  /**
   * Send the custom id (and values) as given, without finding such a component on the message:
   * a forged id from an altered client, or a component the message no longer has.
   */
  unchecked?: boolean;
}
export interface ContextMenuInput extends Who {
  name: string;
  /** A message id, or a message to create in the channel first (by `authorName`, default `member`). */
  target: string | { content: string; authorName?: string };
}
export interface ModalInput {
  user: string;
  /** The run whose interaction the bot answered with a modal. */
  run: InteractionRun;
  /** Text input values by custom_id. */
  values: Record<string, string>;
}

/** The option type whose ids an auto-populated select menu's values are. */
const SELECT_VALUE_TYPES: Partial<Record<ComponentType, ApplicationCommandOptionType>> = {
  [ComponentType.UserSelect]: ApplicationCommandOptionType.User,
  [ComponentType.RoleSelect]: ApplicationCommandOptionType.Role,
  [ComponentType.MentionableSelect]: ApplicationCommandOptionType.Mentionable,
  [ComponentType.ChannelSelect]: ApplicationCommandOptionType.Channel,
};

export class Driver {
  constructor(
    private readonly world: World,
    private readonly gateway: Gateway,
    /** Where the loopback's HTTP server serves attached files, `http://127.0.0.1:<port>`. */
    private readonly filesUrl: () => string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** A slash command; a file for an attachment option is given as `{ filename, bytes }` (see FileInput). */
  async slash(input: SlashInput): Promise<InteractionRun> {
    const { user, channel, guild } = this.#where(input);
    const command = this.#command(guild, channel, user, input.name, ApplicationCommandType.ChatInput);
    const { options, resolved } = commandOptions(this.world, guild, channel.id, command, input, this.filesUrl());
    const label = ['/' + input.name, input.group, input.subcommand].filter(Boolean).join(' ');
    return this.#send(InteractionType.ApplicationCommand, user, channel, { ...this.#commandData(command), options, resolved }, label);
  }

  /** Types into an autocomplete option and returns the choices the bot answered with. */
  async autocomplete(input: AutocompleteInput): Promise<Array<{ name: string; value: string | number }>> {
    return this.autocompleteRun(input).choices();
  }

  /** The same, as a run: for timing the answer, or seeing that none came. */
  autocompleteRun(input: AutocompleteInput): InteractionRun {
    const { user, channel, guild } = this.#where(input);
    const command = this.#command(guild, channel, user, input.name, ApplicationCommandType.ChatInput);
    const { options } = commandOptions(this.world, guild, channel.id, command, input, this.filesUrl());
    return this.#send(InteractionType.ApplicationCommandAutocomplete, user, channel, { ...this.#commandData(command), options }, `autocomplete of /${input.name} ${input.focused}`);
  }

  async click(input: ComponentInput): Promise<InteractionRun> {
    return this.#component(input, undefined);
  }

  async select(input: ComponentInput & { values: string[] }): Promise<InteractionRun> {
    return this.#component(input, input.values);
  }

  async messageContextMenu(input: ContextMenuInput): Promise<InteractionRun> {
    const { user, channel, guild } = this.#where(input);
    const command = this.#command(guild, channel, user, input.name, ApplicationCommandType.Message);
    const target = this.#target(channel, input.target);
    const data = {
      ...this.#commandData(command),
      target_id: target.id,
      resolved: { messages: { [target.id]: renderMessage(this.world, target) } },
    };
    return this.#send(InteractionType.ApplicationCommand, user, channel, data, `'${input.name}' on message ${target.id}`);
  }

  async submitModal(input: ModalInput): Promise<InteractionRun> {
    const modal = await input.run.modal();
    const opened = input.run.record;
    const user = this.#user(input.user);
    const channel = this.world.requireChannel(opened.channelId);
    const source = opened.sourceMessageId ? this.world.message(opened.sourceMessageId) : undefined;
    const data = { custom_id: modal['custom_id'], components: modalSubmission(modal, input.values) };
    return this.#send(InteractionType.ModalSubmit, user, channel, data, `modal '${String(modal['custom_id'])}'`, source, opened.id);
  }

  async #component(input: ComponentInput, values: string[] | undefined): Promise<InteractionRun> {
    const message = typeof input.message === 'string' ? this.world.message(input.message) : this.world.message(input.message.id);
    if (!message) throw new Error(`loopback driver: no message ${typeof input.message === 'string' ? input.message : input.message.id}`);
    const user = this.#user(input.user);
    const origin = message.interactionId ? this.world.interactionsById.get(message.interactionId) : undefined;
    if (message.ephemeral && origin && origin.userId !== user.id) {
      throw new Error(`loopback driver: ${input.user} cannot see another user's ephemeral message ${message.id}`);
    }
    const channel = this.world.requireChannel(message.channelId);
    const guild = this.world.requireGuild(channel.guildId);
    const component = input.unchecked
      ? { type: values === undefined ? ComponentType.Button : ComponentType.StringSelect }
      : findComponent(message, input.customId, values !== undefined, values);
    const data: Record<string, unknown> = { custom_id: input.customId, component_type: component.type };
    if (values) {
      const resolved: Resolved = {};
      const kind = SELECT_VALUE_TYPES[component.type];
      data['values'] = kind ? values.map((v) => resolveValue(this.world, guild, channel.id, kind, v, resolved)) : values;
      if (kind) data['resolved'] = resolved;
    }
    const label = `${values ? 'select' : 'click'} on '${input.customId}'`;
    return this.#send(InteractionType.MessageComponent, user, channel, data, label, message);
  }

  #user(name: string): UserRecord {
    const user = this.world.user(name);
    if (!user) throw new Error(`loopback driver: no user '${name}' (known: ${Object.keys(this.world.users).join(', ')})`);
    return user;
  }

  #where(who: Who): { user: UserRecord; channel: ChannelRecord; guild: GuildRecord } {
    const user = this.#user(who.user);
    const channel = this.world.channel(who.channel ?? 'study');
    if (!channel) throw new Error(`loopback driver: no channel '${who.channel ?? 'study'}'`);
    const guild = this.world.requireGuild(channel.guildId);
    if (!guild.members.has(user.id)) throw new Error(`loopback driver: ${who.user} is not a member of ${guild.name}`);
    return { user, channel, guild };
  }

  /** The registered command, if this member could see it in Discord's client. */
  #command(guild: GuildRecord, channel: ChannelRecord, user: UserRecord, name: string, type: ApplicationCommandType): CommandRecord {
    const command = registeredCommand(this.world, guild.id, name, type);
    const permissions = this.world.permissionsIn(channel.id, user.id);
    if (!has(permissions, P.ViewChannel | P.UseApplicationCommands)) {
      throw new Error(`loopback driver: ${user.username} cannot use application commands in #${channel.name}`);
    }
    const needed = command.defaultMemberPermissions === null ? 0n : BigInt(command.defaultMemberPermissions);
    if (!has(permissions, needed) && !has(permissions, P.Administrator)) {
      throw new Error(`loopback driver: ${user.username} lacks /${name}'s default_member_permissions (${needed}); Discord would not offer it`);
    }
    return command;
  }

  #commandData(command: CommandRecord) {
    return { id: command.id, name: command.name, type: command.type, guild_id: command.guildId ?? undefined };
  }

  #target(channel: ChannelRecord, target: ContextMenuInput['target']): MessageRecord {
    if (typeof target === 'string') {
      const message = this.world.message(target);
      if (!message || message.ephemeral) throw new Error(`loopback driver: no message ${target}`);
      return message;
    }
    const author = this.world.user(target.authorName ?? 'member') ?? this.world.addMember(channel.guildId, { name: target.authorName ?? 'member' });
    return createMessage(this.world, { channelId: channel.id, authorId: author.id, body: { content: target.content } });
  }

  #send(
    type: InteractionType,
    user: UserRecord,
    channel: ChannelRecord,
    data: unknown,
    label: string,
    source?: MessageRecord,
    triggeringId: string | null = null,
  ): InteractionRun {
    const guild = this.world.requireGuild(channel.guildId);
    if (!this.world.hasBot(guild.id)) throw new Error(`loopback driver: the bot is not in ${guild.name}`);
    const listening = [...this.gateway.sessions.values()].some((s) => shardOf(guild.id, s.shard[1]) === s.shard[0]);
    if (!listening) throw new Error(`loopback driver: no bot gateway session receives ${guild.name}; has the bot logged in?`);
    const member = guild.members.get(user.id);
    if (!member) throw new Error(`loopback driver: ${user.username} is not a member of ${guild.name}`);
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${Buffer.from(id).toString('base64url')}${randomBytes(48).toString('base64url')}`;
    const payload = {
      id,
      application_id: this.world.application.id,
      type,
      data,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      channel: { ...renderChannel(this.world, channel), permissions: this.world.permissionsIn(channel.id, user.id).toString() },
      channel_id: channel.id,
      member: { ...renderMember(this.world, member), permissions: this.world.permissionsIn(channel.id, user.id).toString() },
      message: source ? renderMessage(this.world, source) : undefined,
      token,
      version: 1,
      app_permissions: this.world.permissionsIn(channel.id, this.world.bot.id).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: InteractionContextType.Guild,
      attachment_size_limit: 10_485_760,
    };
    const record: InteractionRecord = {
      id,
      token,
      type,
      guildId: guild.id,
      channelId: channel.id,
      userId: user.id,
      payload,
      createdAt: Date.now(),
      callbacks: [],
      originalId: null,
      sourceMessageId: source?.id ?? null,
      triggeringId,
      followUpIds: [],
      refusals: [],
    };
    this.world.interactionsById.set(id, record);
    this.world.dispatch(guild.id, GatewayDispatchEvents.InteractionCreate, payload);
    return new InteractionRun(this.world, record, label, this.timeoutMs);
  }
}
