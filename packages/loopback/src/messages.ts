// Creating, editing and deleting messages and threads in the world, with their gateway events.
import { GatewayDispatchEvents, MessageFlags, MessageType, type ThreadChannelType } from 'discord-api-types/v10';
import { computePings, NO_PINGS } from './mentions.js';
import { renderChannel, renderMessage } from './render.js';
import { snowflake } from './snowflake.js';
import type { AllowedMentions, Attachment, ChannelRecord, MessageRecord } from './types.js';
import type { World } from './world.js';

/** A message body as the bot sends it (JSON or payload_json), already checked against the limits. */
export interface MessageBody {
  content?: string | null;
  embeds?: unknown[] | null;
  components?: unknown[] | null;
  flags?: number | null;
  allowed_mentions?: AllowedMentions | null;
  message_reference?: { message_id?: string; channel_id?: string } | null;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
}

export interface NewMessage {
  channelId: string;
  authorId: string;
  body: MessageBody;
  files?: Attachment[];
  type?: MessageType;
  interactionId?: string | null;
  loading?: boolean;
}

function pingsOf(world: World, message: MessageRecord): MessageRecord['pings'] {
  if (message.ephemeral || message.loading) return NO_PINGS;
  const replied = message.reference ? world.message(message.reference.messageId)?.authorId ?? null : null;
  return computePings(message.content, message.allowedMentions, replied);
}

export function createMessage(world: World, input: NewMessage): MessageRecord {
  const channel = world.requireChannel(input.channelId);
  const { body } = input;
  const flags = body.flags ?? 0;
  const reference = body.message_reference?.message_id
    ? { messageId: body.message_reference.message_id, channelId: body.message_reference.channel_id ?? channel.id }
    : null;
  const message: MessageRecord = {
    id: snowflake(),
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: input.authorId,
    type: input.type ?? (reference ? MessageType.Reply : MessageType.Default),
    content: body.content ?? '',
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    attachments: input.files ?? [],
    flags: input.loading ? flags | MessageFlags.Loading : flags,
    ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
    loading: input.loading ?? false,
    allowedMentions: body.allowed_mentions ?? undefined,
    pings: NO_PINGS,
    interactionId: input.interactionId ?? null,
    reference,
    threadId: null,
    createdAt: new Date().toISOString(),
    editedAt: null,
    edits: 0,
    history: [],
  };
  message.pings = pingsOf(world, message);
  world.messagesById.set(message.id, message);
  if (!message.ephemeral) {
    channel.lastMessageId = message.id;
    if (channel.thread) channel.thread.messageCount += 1;
    world.dispatch(channel.guildId, GatewayDispatchEvents.MessageCreate, renderMessage(world, message));
  }
  world.emit('message', message);
  world.changed();
  return message;
}

/** Applies an edit as Discord does: fields present replace, absent ones stay. */
export function editMessage(world: World, message: MessageRecord, body: MessageBody, files: Attachment[] = []): MessageRecord {
  message.history.push({
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    flags: message.flags,
    at: message.editedAt ?? message.createdAt,
  });
  if (body.content !== undefined) message.content = body.content ?? '';
  if (body.embeds !== undefined) message.embeds = body.embeds ?? [];
  if (body.components !== undefined) message.components = body.components ?? [];
  if (body.allowed_mentions !== undefined) message.allowedMentions = body.allowed_mentions ?? undefined;
  if (body.attachments !== undefined) {
    const kept = new Set((body.attachments ?? []).map((a) => String(a.id)));
    message.attachments = [...message.attachments.filter((a) => kept.has(a.id)), ...files];
  }
  // Flags other than these are Discord's own; editing cannot clear ephemeral.
  if (body.flags != null) message.flags = (message.flags & MessageFlags.Ephemeral) | (body.flags & ~MessageFlags.Ephemeral & ~MessageFlags.Loading);
  if (message.loading) {
    message.loading = false;
    message.flags &= ~MessageFlags.Loading;
  } else {
    message.edits += 1;
    message.editedAt = new Date().toISOString();
  }
  message.pings = pingsOf(world, message);
  if (!message.ephemeral) world.dispatch(message.guildId, GatewayDispatchEvents.MessageUpdate, renderMessage(world, message));
  world.emit('message', message);
  world.changed();
  return message;
}

export function deleteMessage(world: World, message: MessageRecord): void {
  world.messagesById.delete(message.id);
  if (!message.ephemeral) {
    world.dispatch(message.guildId, GatewayDispatchEvents.MessageDelete, { id: message.id, channel_id: message.channelId, guild_id: message.guildId });
  }
  world.changed();
}

/** A thread in `parent`; started on `fromMessage` it takes that message's id, as on Discord. */
export function createThread(
  world: World,
  parent: ChannelRecord,
  options: { name: string; ownerId: string; type: ThreadChannelType; autoArchiveDuration?: number; fromMessage?: MessageRecord },
): ChannelRecord {
  const now = new Date().toISOString();
  const thread: ChannelRecord = {
    id: options.fromMessage?.id ?? snowflake(),
    guildId: parent.guildId,
    type: options.type,
    name: options.name,
    position: 0,
    parentId: parent.id,
    overwrites: [],
    topic: null,
    lastMessageId: null,
    thread: {
      ownerId: options.ownerId,
      archived: false,
      locked: false,
      autoArchiveDuration: options.autoArchiveDuration ?? 1440,
      createdAt: now,
      messageCount: 0,
    },
  };
  world.channelsById.set(thread.id, thread);
  if (options.fromMessage) options.fromMessage.threadId = thread.id;
  world.dispatch(parent.guildId, GatewayDispatchEvents.ThreadCreate, { ...renderChannel(world, thread), newly_created: true });
  world.changed();
  return thread;
}
