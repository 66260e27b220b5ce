import { EventEmitter } from 'node:events';
import { ChannelType, GatewayDispatchEvents } from 'discord-api-types/v10';
import { accessOverwrites, channelTemplates, roleTemplates, type GuildChannelKind } from './guild-template.js';
import { createMessage, deleteMessage } from './messages.js';
import { channelPermissions } from './permissions.js';
import { renderChannel, renderGuildCreate, renderMember, renderRole } from './render.js';
import { snowflake } from './snowflake.js';
import type {
  ChannelRecord,
  CommandRecord,
  GuildRecord,
  InteractionRecord,
  Lookup,
  MessageRecord,
  Overwrite,
  RoleRecord,
  UploadRecord,
  UserRecord,
} from './types.js';

export interface Dispatch {
  /** The guild whose shard receives the event; null goes to every session. */
  guildId: string | null;
  event: GatewayDispatchEvents;
  data: unknown;
}

type Named<T, K extends string> = Record<string, T> & Record<K, T>;

/** What a guild added with addGuild holds besides @everyone, the bot and its role. */
export interface GuildOptions {
  /** Channels of mixed types (text, announcement, forum, voice, stage, categories), `general` first; default 1 (`general` only). */
  channels?: number;
  /** Roles besides @everyone and the bot's (Moderators, Readers, Regulars, …); default 0. */
  roles?: number;
  /** The member count Discord reports; the world holds only the owner and the bot as members. Default: the members held. */
  memberCount?: number;
  /** Default: the default guild's @everyone permissions. */
  everyonePermissions?: bigint;
}

/**
 * Everything the fake Discord knows. Changes made through these methods emit the
 * gateway event Discord would send ('dispatch'), and 'change' so that waits re-check.
 */
export class World extends EventEmitter implements Lookup {
  readonly usersById = new Map<string, UserRecord>();
  readonly guildsById = new Map<string, GuildRecord>();
  readonly channelsById = new Map<string, ChannelRecord>();
  readonly messagesById = new Map<string, MessageRecord>();
  readonly interactionsById = new Map<string, InteractionRecord>();
  /** Files members attached to slash commands (the driver's attachment options), served at `/ephemeral-attachments/…`. */
  readonly uploadsById = new Map<string, UploadRecord>();
  /** Registered commands by scope: 'global' or a guild id. */
  readonly commandsByScope = new Map<string, CommandRecord[]>();
  readonly bot: UserRecord;
  readonly application: { id: string; name: string; flags: number };
  /** Users by name: `admin`, `member`, `bot` and any added with addMember. */
  readonly users: Named<UserRecord, 'bot'>;
  /** Channels of the default guild by name. */
  readonly channels: Record<string, ChannelRecord> = {};
  defaultGuild!: GuildRecord;

  constructor(botName = 'Marginalia') {
    super();
    this.setMaxListeners(0);
    this.bot = this.createUser(botName, true);
    this.users = { bot: this.bot };
    // On Discord a bot's application id is its user id.
    this.application = { id: this.bot.id, name: botName, flags: 0 };
  }

  user(id: string): UserRecord | undefined {
    return this.usersById.get(id) ?? this.users[id];
  }
  guild(id: string): GuildRecord | undefined {
    return this.guildsById.get(id);
  }
  channel(id: string): ChannelRecord | undefined {
    return this.channelsById.get(id) ?? this.channels[id];
  }
  message(id: string): MessageRecord | undefined {
    return this.messagesById.get(id);
  }
  role(guildId: string, id: string): RoleRecord | undefined {
    return this.guild(guildId)?.roles.find((role) => role.id === id || role.name === id);
  }
  botRole(guildId: string): RoleRecord | undefined {
    return this.guild(guildId)?.roles.find((role) => role.managed);
  }
  hasBot(guildId: string): boolean {
    return this.guild(guildId)?.members.has(this.bot.id) ?? false;
  }
  botGuilds(): GuildRecord[] {
    return [...this.guildsById.values()].filter((guild) => guild.members.has(this.bot.id));
  }

  /** Channel messages in order, current state; interaction replies are on their run. */
  messages(channelId: string): MessageRecord[] {
    const id = this.channel(channelId)?.id ?? channelId;
    return [...this.messagesById.values()].filter((m) => m.channelId === id && !m.interactionId);
  }
  threads(parentId?: string): ChannelRecord[] {
    const parent = parentId ? (this.channel(parentId)?.id ?? parentId) : undefined;
    return [...this.channelsById.values()].filter((c) => c.thread && (!parent || c.parentId === parent));
  }
  commands(guildId?: string): CommandRecord[] {
    return this.commandsByScope.get(guildId ?? 'global') ?? [];
  }

  permissionsIn(channelId: string, userId: string): bigint {
    const channel = this.channel(channelId);
    const guild = channel && this.guild(channel.guildId);
    if (!channel || !guild) return 0n;
    return channelPermissions(guild, channel, userId, (id) => this.channelsById.get(id));
  }

  dispatch(guildId: string | null, event: GatewayDispatchEvents, data: unknown): void {
    this.emit('dispatch', { guildId, event, data } satisfies Dispatch);
  }
  changed(): void {
    this.emit('change');
  }

  createUser(username: string, bot = false): UserRecord {
    const user = { id: snowflake(), username, bot };
    this.usersById.set(user.id, user);
    return user;
  }

  createRole(guild: GuildRecord, name: string, permissions: bigint, options: Partial<RoleRecord> = {}): RoleRecord {
    const role: RoleRecord = {
      id: snowflake(),
      guildId: guild.id,
      name,
      permissions,
      position: guild.roles.length,
      mentionable: false,
      managed: false,
      ...options,
    };
    guild.roles.push(role);
    return role;
  }

  /** A guild with @everyone and the bot in it under its own role. No event: callers decide. */
  createGuild(name: string, ownerId: string, everyonePermissions: bigint, botPermissions: bigint): GuildRecord {
    const id = snowflake();
    const now = new Date().toISOString();
    const guild: GuildRecord = { id, name, ownerId, roles: [], members: new Map(), createdAt: now };
    guild.roles.push({ id, guildId: id, name: '@everyone', permissions: everyonePermissions, position: 0, mentionable: false, managed: false });
    this.guildsById.set(id, guild);
    guild.members.set(ownerId, { userId: ownerId, roleIds: [], joinedAt: now });
    const botRole = this.createRole(guild, this.bot.username, botPermissions, { managed: true });
    guild.members.set(this.bot.id, { userId: this.bot.id, roleIds: [botRole.id], joinedAt: now });
    return guild;
  }

  createChannel(guildId: string, name: string, overwrites: Overwrite[] = [], type: GuildChannelKind = ChannelType.GuildText): ChannelRecord {
    const position = [...this.channelsById.values()].filter((c) => c.guildId === guildId && !c.thread).length;
    const channel: ChannelRecord = {
      id: snowflake(),
      guildId,
      type,
      name,
      position,
      parentId: null,
      overwrites,
      topic: null,
      lastMessageId: null,
      thread: null,
    };
    this.channelsById.set(channel.id, channel);
    return channel;
  }

  /**
   * A new guild with the bot in it, as big as `options` say (a `general` channel only by
   * default); sends GUILD_CREATE.
   */
  addGuild(name: string, options: GuildOptions = {}): GuildRecord {
    const template = this.defaultGuild;
    const guild = this.createGuild(
      name,
      template.ownerId,
      options.everyonePermissions ?? template.roles[0]?.permissions ?? 0n,
      this.botRole(template.id)?.permissions ?? 0n,
    );
    for (const role of roleTemplates(options.roles ?? 0)) this.createRole(guild, role.name, role.permissions, { mentionable: role.mentionable });
    const moderators = guild.roles.find((role) => role.name === 'Moderators')?.id;
    const templates = channelTemplates(options.channels ?? 1);
    const channels = templates.map((channel) => this.createChannel(guild.id, channel.name, accessOverwrites(channel.access, guild.id, moderators), channel.type));
    // Categories may come after their channels in the template: parents are set once all exist.
    templates.forEach((channel, index) => {
      const parent = channels.find((c) => c.type === ChannelType.GuildCategory && c.name === channel.category);
      channels[index]!.parentId = parent?.id ?? null;
    });
    if (options.memberCount !== undefined) guild.memberCount = options.memberCount;
    this.dispatch(guild.id, GatewayDispatchEvents.GuildCreate, renderGuildCreate(this, guild));
    this.changed();
    return guild;
  }

  /** A new user in the guild, with the given roles or a role of their own holding `permissions`. */
  addMember(guildId: string, options: { name: string; permissions?: bigint; roles?: string[] }): UserRecord {
    const guild = this.requireGuild(guildId);
    const user = this.createUser(options.name);
    this.users[options.name] = user;
    const roleIds = (options.roles ?? []).map((id) => this.role(guild.id, id)?.id ?? id);
    if (options.permissions !== undefined) {
      roleIds.push(this.createRole(guild, `${options.name}'s role`, options.permissions).id);
    }
    guild.members.set(user.id, { userId: user.id, roleIds, joinedAt: new Date().toISOString() });
    this.changed();
    return user;
  }

  addChannel(guildId: string, name: string, overwrites: Overwrite[] = []): ChannelRecord {
    const channel = this.createChannel(this.requireGuild(guildId).id, name, overwrites);
    this.dispatch(guildId, GatewayDispatchEvents.ChannelCreate, renderChannel(this, channel));
    this.changed();
    return channel;
  }

  deleteChannel(id: string): void {
    const channel = this.requireChannel(id);
    this.channelsById.delete(channel.id);
    for (const thread of this.threads(channel.id)) this.channelsById.delete(thread.id);
    this.dispatch(channel.guildId, channel.thread ? GatewayDispatchEvents.ThreadDelete : GatewayDispatchEvents.ChannelDelete, renderChannel(this, channel));
    this.changed();
  }

  /** A member's message in a channel or thread (a thread counts it in its message_count), by user name. */
  postMessage(channelId: string, authorName: string, content: string): MessageRecord {
    const author = this.users[authorName];
    if (!author) throw new Error(`loopback: no user named ${authorName}`);
    return createMessage(this, { channelId, authorId: author.id, body: { content } });
  }

  /** A message deleted by a moderator: MESSAGE_DELETE is sent. */
  deleteMessage(messageId: string): void {
    const message = this.message(messageId);
    if (!message) throw new Error(`loopback: no message ${messageId}`);
    deleteMessage(this, message);
  }

  updateChannel(channel: ChannelRecord): void {
    this.dispatch(channel.guildId, channel.thread ? GatewayDispatchEvents.ThreadUpdate : GatewayDispatchEvents.ChannelUpdate, renderChannel(this, channel));
    this.changed();
  }

  setChannelOverwrites(channelId: string, overwrites: Overwrite[]): void {
    const channel = this.requireChannel(channelId);
    channel.overwrites = overwrites;
    this.updateChannel(channel);
  }

  setRolePermissions(guildId: string, roleId: string, permissions: bigint): void {
    const role = this.role(guildId, roleId);
    if (!role) throw new Error(`loopback: no role ${roleId} in guild ${guildId}`);
    role.permissions = permissions;
    this.dispatch(guildId, GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guildId, role: renderRole(role) });
    this.changed();
  }

  /** Replaces the bot's roles in a guild; sends GUILD_MEMBER_UPDATE for the bot. */
  setBotRoles(guildId: string, roleIds: string[]): void {
    const member = this.requireGuild(guildId).members.get(this.bot.id);
    if (!member) throw new Error(`loopback: the bot is not in guild ${guildId}`);
    member.roleIds = roleIds;
    this.dispatch(guildId, GatewayDispatchEvents.GuildMemberUpdate, { guild_id: guildId, ...renderMember(this, member) });
    this.changed();
  }

  /** The bot is kicked: GUILD_DELETE without `unavailable`, as Discord sends it. */
  removeBot(guildId: string): void {
    this.requireGuild(guildId).members.delete(this.bot.id);
    this.dispatch(guildId, GatewayDispatchEvents.GuildDelete, { id: guildId });
    this.changed();
  }

  /** An outage on Discord's side: GUILD_DELETE with `unavailable: true`; the bot is still a member. */
  guildUnavailable(guildId: string): void {
    this.requireGuild(guildId);
    this.dispatch(guildId, GatewayDispatchEvents.GuildDelete, { id: guildId, unavailable: true });
    this.changed();
  }

  /** The outage is over: GUILD_CREATE with the whole guild again. */
  guildAvailable(guildId: string): void {
    this.dispatch(guildId, GatewayDispatchEvents.GuildCreate, renderGuildCreate(this, this.requireGuild(guildId)));
    this.changed();
  }

  /** A role deleted by an admin: it leaves every member and GUILD_ROLE_DELETE is sent. */
  deleteRole(guildId: string, roleId: string): void {
    const guild = this.requireGuild(guildId);
    const role = this.role(guildId, roleId);
    if (!role) throw new Error(`loopback: no role ${roleId} in guild ${guildId}`);
    guild.roles = guild.roles.filter((r) => r !== role);
    for (const member of guild.members.values()) member.roleIds = member.roleIds.filter((id) => id !== role.id);
    this.dispatch(guildId, GatewayDispatchEvents.GuildRoleDelete, { guild_id: guildId, role_id: role.id });
    this.changed();
  }

  addBotToGuild(guildId: string): void {
    const guild = this.requireGuild(guildId);
    const role = this.botRole(guildId);
    guild.members.set(this.bot.id, { userId: this.bot.id, roleIds: role ? [role.id] : [], joinedAt: new Date().toISOString() });
    this.dispatch(guildId, GatewayDispatchEvents.GuildCreate, renderGuildCreate(this, guild));
    this.changed();
  }

  requireGuild(id: string): GuildRecord {
    const guild = this.guild(id);
    if (!guild) throw new Error(`loopback: no guild ${id}`);
    return guild;
  }
  requireChannel(id: string): ChannelRecord {
    const channel = this.channel(id);
    if (!channel) throw new Error(`loopback: no channel ${id}`);
    return channel;
  }
}
