// Records to the JSON shapes Discord sends (REST bodies and gateway payloads).
import {
  ChannelType,
  ForumLayoutType,
  InteractionType,
  Locale,
  MessageReferenceType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type APIEmbed,
  type APIGuild,
  type APIGuildCategoryChannel,
  type APIGuildForumChannel,
  type APIGuildStageVoiceChannel,
  type APIGuildVoiceChannel,
  type APINewsChannel,
  type APIGuildMember,
  type APIMessageInteractionMetadata,
  type APIMessageTopLevelComponent,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type ThreadChannelType,
} from 'discord-api-types/v10';
import type {
  ChannelRecord,
  CommandRecord,
  GuildRecord,
  InteractionRecord,
  Lookup,
  MemberRecord,
  MessageRecord,
  RoleRecord,
  UserRecord,
} from './types.js';

/** A bit field with no bit set (a `number`, which TypeScript lets stand for any flags enum). */
const NO_FLAGS: number = 0;

export function renderUser(user: UserRecord): APIUser {
  return {
    id: user.id,
    username: user.username,
    global_name: user.bot ? null : user.username,
    discriminator: user.bot ? '0001' : '0',
    avatar: null,
    bot: user.bot || undefined,
    public_flags: NO_FLAGS,
    flags: NO_FLAGS,
  };
}

/** A user who is no longer in the world, as Discord shows one. */
function renderUserById(world: Lookup, id: string): APIUser {
  return renderUser(world.user(id) ?? { id, username: 'Deleted User', bot: false });
}

export function renderRole(role: RoleRecord): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: role.mentionable,
    flags: NO_FLAGS,
  };
}

export function renderMember(world: Lookup, member: MemberRecord): APIGuildMember {
  return {
    user: renderUserById(world, member.userId),
    nick: null,
    avatar: null,
    roles: member.roleIds,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: NO_FLAGS,
    pending: false,
    communication_disabled_until: null,
  };
}

function renderOverwrites(channel: ChannelRecord): APIOverwrite[] {
  return channel.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() }));
}

function renderThread(world: Lookup, channel: ChannelRecord): APIThreadChannel {
  const thread = channel.thread;
  if (!thread) throw new Error(`loopback: channel ${channel.id} is not a thread`);
  return {
    id: channel.id,
    guild_id: channel.guildId,
    type: channel.type as ThreadChannelType,
    name: channel.name,
    parent_id: channel.parentId ?? undefined,
    flags: NO_FLAGS,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: channel.lastMessageId,
    owner_id: thread.ownerId,
    message_count: thread.messageCount,
    total_message_sent: thread.messageCount,
    member_count: 1,
    thread_metadata: {
      archived: thread.archived,
      locked: thread.locked,
      auto_archive_duration: thread.autoArchiveDuration,
      archive_timestamp: thread.createdAt,
      create_timestamp: thread.createdAt,
    },
    member: thread.ownerId === world.bot.id ? { join_timestamp: thread.createdAt, flags: NO_FLAGS } : undefined,
  };
}

type GuildChannel = APITextChannel | APINewsChannel | APIGuildVoiceChannel | APIGuildStageVoiceChannel | APIGuildCategoryChannel | APIGuildForumChannel;

/** A channel that is not a thread, with the fields Discord sends for its type. */
function renderGuildChannel(channel: ChannelRecord): GuildChannel {
  if (channel.thread) throw new Error(`loopback: channel ${channel.id} is a thread`);
  const base = {
    id: channel.id,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: renderOverwrites(channel),
    flags: NO_FLAGS,
    nsfw: false,
  };
  const chat = { parent_id: channel.parentId, rate_limit_per_user: 0, last_message_id: channel.lastMessageId };
  const voice = { ...chat, bitrate: 64_000, user_limit: 0, rtc_region: null };
  switch (channel.type) {
    case ChannelType.GuildCategory:
      return { ...base, type: ChannelType.GuildCategory, parent_id: null };
    case ChannelType.GuildVoice:
      return { ...base, ...voice, type: ChannelType.GuildVoice };
    case ChannelType.GuildStageVoice:
      return { ...base, ...voice, type: ChannelType.GuildStageVoice };
    case ChannelType.GuildForum:
      return {
        ...base,
        ...chat,
        type: ChannelType.GuildForum,
        topic: channel.topic,
        available_tags: [],
        default_reaction_emoji: null,
        default_sort_order: null,
        default_forum_layout: ForumLayoutType.NotSet,
      };
    case ChannelType.GuildAnnouncement:
      return { ...base, ...chat, type: ChannelType.GuildAnnouncement, topic: channel.topic };
    default:
      return { ...base, ...chat, type: ChannelType.GuildText, topic: channel.topic };
  }
}

export function renderChannel(world: Lookup, channel: ChannelRecord): GuildChannel | APIThreadChannel {
  return channel.thread ? renderThread(world, channel) : renderGuildChannel(channel);
}

export function renderGuild(guild: GuildRecord): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: guild.roles.map(renderRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: NO_FLAGS,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: Locale.EnglishUS,
    nsfw_level: 0,
    max_members: 500000,
    max_video_channel_users: 25,
    hub_type: null,
    incidents_data: null,
  };
}

/** GUILD_CREATE: the guild with its channels, threads and members, as the Guilds intent gets it. */
export function renderGuildCreate(world: Lookup, guild: GuildRecord): GatewayGuildCreateDispatchData {
  const channels = [...world.channelsById.values()].filter((c) => c.guildId === guild.id);
  const botMember = guild.members.get(world.bot.id);
  return {
    ...renderGuild(guild),
    unavailable: false,
    large: false,
    member_count: Math.max(guild.memberCount ?? 0, guild.members.size),
    joined_at: botMember?.joinedAt ?? guild.createdAt,
    // With only the Guilds intent Discord sends the bot's own member (and few others).
    members: botMember ? [renderMember(world, botMember)] : [],
    channels: channels.filter((c) => !c.thread).map(renderGuildChannel),
    threads: channels.filter((c) => c.thread).map((c) => renderThread(world, c)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** Which interaction a reply answers: the command, the clicked message, or what opened the modal. */
function interactionMetadata(world: Lookup, interaction: InteractionRecord): APIMessageInteractionMetadata | undefined {
  const base = {
    id: interaction.id,
    user: renderUserById(world, interaction.userId),
    authorizing_integration_owners: { '0': interaction.guildId },
  };
  switch (interaction.type) {
    case InteractionType.ApplicationCommand:
      return { ...base, type: InteractionType.ApplicationCommand };
    case InteractionType.MessageComponent:
      return { ...base, type: InteractionType.MessageComponent, interacted_message_id: interaction.sourceMessageId ?? '' };
    case InteractionType.ModalSubmit: {
      const opener = interaction.triggeringId ? world.interactionsById.get(interaction.triggeringId) : undefined;
      const triggering = opener && interactionMetadata(world, opener);
      if (!triggering || triggering.type === InteractionType.ModalSubmit) return undefined;
      return { ...base, type: InteractionType.ModalSubmit, triggering_interaction_metadata: triggering };
    }
    default:
      return undefined;
  }
}

/** A message as REST returns it and MESSAGE_CREATE carries it. */
export function renderMessage(world: Lookup, message: MessageRecord): GatewayMessageCreateDispatchData {
  const interaction = message.interactionId ? world.interactionsById.get(message.interactionId) : undefined;
  const thread = message.threadId ? world.channel(message.threadId) : undefined;
  return {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    guild_id: message.guildId ?? undefined,
    author: renderUserById(world, message.authorId),
    content: message.content,
    timestamp: message.createdAt,
    edited_timestamp: message.editedAt,
    tts: false,
    mention_everyone: message.pings.everyone,
    mentions: message.pings.users.flatMap((id) => {
      const user = world.user(id);
      return user ? [renderUser(user)] : [];
    }),
    mention_roles: message.pings.roles,
    attachments: message.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      content_type: a.contentType ?? undefined,
      description: a.description ?? undefined,
      url: `https://cdn.loopback.invalid/attachments/${message.channelId}/${a.id}/${a.filename}`,
      proxy_url: `https://media.loopback.invalid/attachments/${message.channelId}/${a.id}/${a.filename}`,
    })),
    // Stored as the bot sent them, after the limits in limits.ts accepted them.
    embeds: message.embeds as APIEmbed[],
    components: message.components as APIMessageTopLevelComponent[],
    reactions: undefined,
    pinned: false,
    flags: message.flags,
    webhook_id: interaction ? world.application.id : undefined,
    application_id: interaction ? world.application.id : undefined,
    message_reference: message.reference
      ? {
          type: MessageReferenceType.Default,
          message_id: message.reference.messageId,
          channel_id: message.reference.channelId,
          guild_id: message.guildId ?? undefined,
        }
      : undefined,
    interaction_metadata: interaction ? interactionMetadata(world, interaction) : undefined,
    thread: thread?.thread ? renderThread(world, thread) : undefined,
  };
}

export function renderCommand(command: CommandRecord): APIApplicationCommand {
  return {
    ...command.extra,
    id: command.id,
    application_id: command.applicationId,
    guild_id: command.guildId ?? undefined,
    type: command.type,
    name: command.name,
    description: command.description,
    // Stored as the bot registered them, after command-limits.ts accepted them.
    options: command.options.length ? (command.options as APIApplicationCommandOption[]) : undefined,
    default_member_permissions: command.defaultMemberPermissions,
    version: command.version,
    nsfw: (command.extra['nsfw'] as boolean | undefined) ?? false,
  };
}
