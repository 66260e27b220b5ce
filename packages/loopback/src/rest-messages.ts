// Channel messages and threads, with Discord's permission checks and limits.
import { ChannelType, MessageFlags, PermissionFlagsBits as P, RESTJSONErrorCodes as Codes } from 'discord-api-types/v10';
import { ApiError, emptyMessage, missingAccess, missingPermissions, storeAttachments, unknown } from './http.js';
import { checkMessage, checkThread } from './limits.js';
import { createMessage, createThread, deleteMessage, editMessage, type MessageBody } from './messages.js';
import { has } from './permissions.js';
import { renderChannel, renderMessage } from './render.js';
import { visibleChannel } from './rest-guilds.js';
import { bodyObject, enforce, route, type Route, type RouteContext } from './router.js';
import type { ChannelRecord, MessageRecord } from './types.js';

/** Flags a bot may set on a channel message. */
const CHANNEL_MESSAGE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Channels that hold no messages of their own: a category, and forums, whose posts are threads. */
const WITHOUT_MESSAGES = new Set<ChannelType>([ChannelType.GuildCategory, ChannelType.GuildForum, ChannelType.GuildMedia, ChannelType.GuildDirectory]);

function sendPermission(channel: ChannelRecord): bigint {
  return channel.thread ? P.SendMessagesInThreads : P.SendMessages;
}

/** Checks a message body for limits and for what the bot may send in this channel. */
function checkedBody(ctx: RouteContext, channel: ChannelRecord, permissions: bigint): MessageBody {
  const body = bodyObject(ctx) as MessageBody;
  enforce(ctx, checkMessage(body));
  if (WITHOUT_MESSAGES.has(channel.type)) throw new ApiError(400, Codes.CannotSendMessagesInNonTextChannel, 'Cannot send messages in a non-text channel');
  if (!has(permissions, sendPermission(channel))) throw missingPermissions();
  if (body.embeds?.length && !has(permissions, P.EmbedLinks)) throw missingPermissions();
  if (ctx.files.length && !has(permissions, P.AttachFiles)) throw missingPermissions();
  if (channel.thread?.locked && !has(permissions, P.ManageThreads)) throw new ApiError(400, Codes.InvalidActionOnArchivedThread, 'Thread is archived');
  return body;
}

function channelMessage(ctx: RouteContext, channel: ChannelRecord, permissions: bigint): MessageRecord {
  if (!has(permissions, P.ReadMessageHistory)) throw missingAccess();
  const message = ctx.state.world.message(ctx.params['message'] ?? '');
  if (!message || message.channelId !== channel.id || message.ephemeral) throw unknown.message();
  return message;
}

function listMessages(ctx: RouteContext, channel: ChannelRecord, permissions: bigint) {
  if (!has(permissions, P.ReadMessageHistory)) return [];
  const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 50)));
  const before = ctx.query.get('before');
  const after = ctx.query.get('after');
  let messages = [...ctx.state.world.messagesById.values()].filter((m) => m.channelId === channel.id && !m.ephemeral);
  if (before) messages = messages.filter((m) => BigInt(m.id) < BigInt(before));
  if (after) messages = messages.filter((m) => BigInt(m.id) > BigInt(after));
  // Newest first, as Discord returns them.
  messages.sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  return (after ? messages.slice(-limit) : messages.slice(0, limit)).map((m) => renderMessage(ctx.state.world, m));
}

function startThread(ctx: RouteContext, parent: ChannelRecord, permissions: bigint, fromMessage?: MessageRecord) {
  if (parent.thread) throw new ApiError(400, Codes.CannotExecuteActionOnThisChannelType, 'Cannot execute action on this channel type');
  const body = bodyObject(ctx);
  enforce(ctx, checkThread(body));
  const type = fromMessage ? ChannelType.PublicThread : body['type'] === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread;
  if (!has(permissions, type === ChannelType.PublicThread ? P.CreatePublicThreads : P.CreatePrivateThreads)) throw missingPermissions();
  if (fromMessage?.threadId) throw new ApiError(400, Codes.ThreadAlreadyCreatedForMessage, 'A thread has already been created for this message');
  const thread = createThread(ctx.state.world, parent, {
    name: String(body['name']),
    ownerId: ctx.state.world.bot.id,
    type,
    autoArchiveDuration: typeof body['auto_archive_duration'] === 'number' ? body['auto_archive_duration'] : undefined,
    fromMessage,
  });
  return { status: 201, body: renderChannel(ctx.state.world, thread) };
}

export const messageRoutes: Route[] = [
  route('POST', '/channels/:channel/messages', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    const body = checkedBody(ctx, channel, permissions);
    if (!body.content && !body.embeds?.length && !body.components?.length && !ctx.files.length) {
      throw emptyMessage();
    }
    const reference = body.message_reference?.message_id;
    if (reference && !ctx.state.world.message(reference)) {
      enforce(ctx, [{ path: 'message_reference', code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
    }
    const message = createMessage(ctx.state.world, {
      channelId: channel.id,
      authorId: ctx.state.world.bot.id,
      body: { ...body, flags: (body.flags ?? 0) & CHANNEL_MESSAGE_FLAGS },
      files: storeAttachments(ctx.files, body.attachments),
    });
    return { body: renderMessage(ctx.state.world, message) };
  }),
  route('GET', '/channels/:channel/messages', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    return { body: listMessages(ctx, channel, permissions) };
  }),
  route('GET', '/channels/:channel/messages/:message', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    return { body: renderMessage(ctx.state.world, channelMessage(ctx, channel, permissions)) };
  }),
  route('PATCH', '/channels/:channel/messages/:message', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    const message = channelMessage(ctx, channel, permissions);
    if (message.authorId !== ctx.state.world.bot.id) throw new ApiError(403, Codes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user');
    const body = checkedBody(ctx, channel, permissions);
    editMessage(ctx.state.world, message, body, storeAttachments(ctx.files, body.attachments));
    return { body: renderMessage(ctx.state.world, message) };
  }),
  route('DELETE', '/channels/:channel/messages/:message', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    const message = channelMessage(ctx, channel, permissions);
    if (message.authorId !== ctx.state.world.bot.id && !has(permissions, P.ManageMessages)) throw missingPermissions();
    deleteMessage(ctx.state.world, message);
    return { status: 204 };
  }),
  route('POST', '/channels/:channel/messages/:message/threads', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    return startThread(ctx, channel, permissions, channelMessage(ctx, channel, permissions));
  }),
  route('POST', '/channels/:channel/threads', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    return startThread(ctx, channel, permissions);
  }),
  route('PUT', '/channels/:channel/thread-members/@me', (ctx) => {
    visibleChannel(ctx, ctx.params['channel']);
    return { status: 204 };
  }),
  route('POST', '/channels/:channel/typing', (ctx) => {
    visibleChannel(ctx, ctx.params['channel']);
    return { status: 204 };
  }),
];
