// Records to the JSON shapes Discord sends (REST bodies and gateway payloads).
import type { World } from './world.js';
import type { ChannelRecord, CommandRecord, GuildRecord, MemberRecord, MessageRecord, RoleRecord, UserRecord } from './types.js';

export function renderUser(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    global_name: user.bot ? null : user.username,
    discriminator: user.bot ? '0001' : '0',
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
    flags: 0,
  };
}

export function renderRole(role: RoleRecord) {
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
    flags: 0,
  };
}

export function renderMember(world: World, member: MemberRecord) {
  const user = world.user(member.userId);
  return {
    user: user ? renderUser(user) : undefined,
    nick: null,
    avatar: null,
    roles: member.roleIds,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function renderChannel(world: World, channel: ChannelRecord) {
  const base = {
    id: channel.id,
    guild_id: channel.guildId,
    type: channel.type,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
    flags: 0,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: channel.lastMessageId,
  };
  if (!channel.thread) return { ...base, topic: channel.topic };
  const thread = channel.thread;
  return {
    ...base,
    permission_overwrites: undefined,
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
    member: thread.ownerId === world.bot.id ? { join_timestamp: thread.createdAt, flags: 0 } : undefined,
  };
}

export function renderGuild(guild: GuildRecord) {
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
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    max_members: 500000,
    max_video_channel_users: 25,
  };
}

/** GUILD_CREATE: the guild with its channels, threads and members, as the Guilds intent gets it. */
export function renderGuildCreate(world: World, guild: GuildRecord) {
  const channels = [...world.channelsById.values()].filter((c) => c.guildId === guild.id);
  const botMember = guild.members.get(world.bot.id);
  return {
    ...renderGuild(guild),
    unavailable: false,
    large: false,
    member_count: guild.members.size,
    joined_at: botMember?.joinedAt ?? guild.createdAt,
    // With only the Guilds intent Discord sends the bot's own member (and few others).
    members: botMember ? [renderMember(world, botMember)] : [],
    channels: channels.filter((c) => !c.thread).map((c) => renderChannel(world, c)),
    threads: channels.filter((c) => c.thread).map((c) => renderChannel(world, c)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

export function renderMessage(world: World, message: MessageRecord) {
  const author = world.user(message.authorId);
  const interaction = message.interactionId ? world.interactionsById.get(message.interactionId) : undefined;
  const interactionUser = interaction && world.user(interaction.userId);
  const thread = message.threadId ? world.channel(message.threadId) : undefined;
  return {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    guild_id: message.guildId ?? undefined,
    author: author ? renderUser(author) : undefined,
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
    embeds: message.embeds,
    components: message.components,
    reactions: undefined,
    pinned: false,
    flags: message.flags,
    webhook_id: interaction ? world.application.id : undefined,
    application_id: interaction ? world.application.id : undefined,
    message_reference: message.reference
      ? { type: 0, message_id: message.reference.messageId, channel_id: message.reference.channelId, guild_id: message.guildId ?? undefined }
      : undefined,
    interaction_metadata:
      interaction && interactionUser
        ? {
            id: interaction.id,
            type: interaction.type,
            user: renderUser(interactionUser),
            authorizing_integration_owners: { '0': interaction.guildId },
          }
        : undefined,
    thread: thread ? renderChannel(world, thread) : undefined,
  };
}

export function renderCommand(command: CommandRecord) {
  return {
    ...command.extra,
    id: command.id,
    application_id: command.applicationId,
    guild_id: command.guildId ?? undefined,
    type: command.type,
    name: command.name,
    description: command.description,
    options: command.options.length ? command.options : undefined,
    default_member_permissions: command.defaultMemberPermissions,
    version: command.version,
    nsfw: command.extra['nsfw'] ?? false,
  };
}
