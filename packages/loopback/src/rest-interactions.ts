// Interaction callbacks and the interaction webhook (follow-ups, @original), authenticated by the token in the path.
import {
  ApplicationCommandType,
  InteractionResponseType as Callback,
  InteractionType,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes as Codes,
} from 'discord-api-types/v10';
import { ApiError, emptyMessage, storeAttachments, unknown } from './http.js';
import { checkAutocomplete, checkMessage, checkModal } from './limits.js';
import { createMessage, deleteMessage, editMessage, type MessageBody } from './messages.js';
import { renderMessage } from './render.js';
import { bodyObject, enforce, route, type Route, type RouteContext } from './router.js';
import type { InteractionRecord, MessageRecord } from './types.js';

/** Flags an interaction message may carry. */
const INTERACTION_MESSAGE_FLAGS =
  MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Which callback types each interaction type accepts. */
const ALLOWED_CALLBACKS: Partial<Record<InteractionType, Callback[]>> = {
  [InteractionType.ApplicationCommand]: [Callback.ChannelMessageWithSource, Callback.DeferredChannelMessageWithSource, Callback.Modal],
  [InteractionType.MessageComponent]: [
    Callback.ChannelMessageWithSource,
    Callback.DeferredChannelMessageWithSource,
    Callback.DeferredMessageUpdate,
    Callback.UpdateMessage,
    Callback.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [Callback.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    Callback.ChannelMessageWithSource,
    Callback.DeferredChannelMessageWithSource,
    Callback.DeferredMessageUpdate,
    Callback.UpdateMessage,
  ],
};

function messageType(interaction: InteractionRecord): MessageType {
  if (interaction.type !== InteractionType.ApplicationCommand) return MessageType.Default;
  const data = interaction.payload['data'] as { type?: ApplicationCommandType } | undefined;
  return data?.type === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
}

function messageBody(ctx: RouteContext, data: unknown, prefix: PropertyKey[]): MessageBody {
  const body = (data ?? {}) as MessageBody;
  enforce(ctx, checkMessage(body, prefix));
  return body.flags == null ? body : { ...body, flags: body.flags & INTERACTION_MESSAGE_FLAGS };
}

function isEmpty(body: MessageBody, files: number): boolean {
  return !body.content && !body.embeds?.length && !body.components?.length && !files;
}

function callback(ctx: RouteContext) {
  const { world } = ctx.state;
  const interaction = world.interactionsById.get(ctx.params['id'] ?? '');
  if (!interaction || interaction.token !== ctx.params['token']) throw unknown.interaction();
  if (interaction.callbacks.length) throw new ApiError(400, Codes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.');
  if (Date.now() - interaction.createdAt > ctx.state.interactionTimeoutMs) {
    ctx.state.violations.push({
      at: new Date().toISOString(),
      method: ctx.method,
      path: ctx.path,
      issues: [{ path: '', code: 'INTERACTION_TIMEOUT', message: `First response came after ${ctx.state.interactionTimeoutMs} ms` }],
    });
    throw unknown.interaction();
  }
  const body = bodyObject(ctx);
  const type = Number(body['type']) as Callback;
  if (!ALLOWED_CALLBACKS[interaction.type]?.includes(type)) {
    enforce(ctx, [{ path: 'type', code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Callback type ${type} is not valid for interaction type ${interaction.type}` }]);
  }
  const data = body['data'] as Record<string, unknown> | undefined;
  const source = interaction.sourceMessageId ? world.message(interaction.sourceMessageId) : undefined;
  let message: MessageRecord | undefined;
  if (type === Callback.ChannelMessageWithSource || type === Callback.DeferredChannelMessageWithSource) {
    const messageData = messageBody(ctx, data, ['data']);
    if (type === Callback.ChannelMessageWithSource && isEmpty(messageData, ctx.files.length)) throw emptyMessage();
    message = createMessage(world, {
      channelId: interaction.channelId,
      authorId: world.bot.id,
      body: type === Callback.DeferredChannelMessageWithSource ? { flags: messageData.flags ?? 0 } : messageData,
      files: storeAttachments(ctx.files, messageData.attachments),
      type: messageType(interaction),
      interactionId: interaction.id,
      loading: type === Callback.DeferredChannelMessageWithSource,
    });
    interaction.originalId = message.id;
  } else if (type === Callback.DeferredMessageUpdate || type === Callback.UpdateMessage) {
    if (!source) throw unknown.message();
    if (type === Callback.UpdateMessage) editMessage(world, source, messageBody(ctx, data, ['data']), storeAttachments(ctx.files, data?.['attachments']));
    interaction.originalId = source.id;
    message = source;
  } else if (type === Callback.ApplicationCommandAutocompleteResult) {
    enforce(ctx, checkAutocomplete(data));
  } else if (type === Callback.Modal) {
    enforce(ctx, checkModal(data));
  }
  interaction.callbacks.push({ type, data, at: Date.now() });
  world.changed();
  if (ctx.query.get('with_response') !== 'true') return { status: 204 };
  return {
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: message?.loading ?? false,
        response_message_ephemeral: message?.ephemeral ?? false,
      },
      resource: { type, message: message ? renderMessage(world, message) : undefined },
    },
  };
}

function webhookInteraction(ctx: RouteContext): InteractionRecord {
  const { world } = ctx.state;
  const interaction = [...world.interactionsById.values()].find((i) => i.token === ctx.params['token']);
  if (!interaction || ctx.params['app'] !== world.application.id) throw unknown.webhook();
  return interaction;
}

function webhookMessage(ctx: RouteContext): { interaction: InteractionRecord; message: MessageRecord } {
  const interaction = webhookInteraction(ctx);
  const wanted = ctx.params['message'] === '@original' ? interaction.originalId : ctx.params['message'];
  const belongs = wanted === interaction.originalId || interaction.followUpIds.includes(wanted ?? '');
  const message = wanted && belongs ? ctx.state.world.message(wanted) : undefined;
  if (!message) throw unknown.message();
  return { interaction, message };
}

function followUp(ctx: RouteContext) {
  const { world } = ctx.state;
  const interaction = webhookInteraction(ctx);
  if (!interaction.callbacks.length) throw unknown.webhook();
  const body = messageBody(ctx, bodyObject(ctx), []);
  if (isEmpty(body, ctx.files.length)) throw emptyMessage();
  const files = storeAttachments(ctx.files, body.attachments);
  const original = interaction.originalId ? world.message(interaction.originalId) : undefined;
  let message: MessageRecord;
  if (original?.loading) {
    // Discord: the first follow-up after a deferred reply replaces the "thinking" message.
    message = editMessage(world, original, body, files);
  } else {
    message = createMessage(world, {
      channelId: interaction.channelId,
      authorId: world.bot.id,
      body,
      files,
      type: messageType(interaction),
      interactionId: interaction.id,
    });
    interaction.followUpIds.push(message.id);
    world.changed();
  }
  return ctx.query.get('wait') === 'false' ? { status: 204 } : { body: renderMessage(world, message) };
}

/** Records a refused request on its interaction, so that a test waiting on it fails at once with the reason. */
function refusalsNoted(handler: Route['handler']): Route['handler'] {
  return async (ctx) => {
    try {
      return await handler(ctx);
    } catch (error) {
      const { world } = ctx.state;
      const interaction =
        world.interactionsById.get(ctx.params['id'] ?? '') ??
        [...world.interactionsById.values()].find((i) => i.token === ctx.params['token']);
      if (interaction && error instanceof ApiError) {
        interaction.refusals.push({ method: ctx.method, path: ctx.path, error: error.body });
        world.changed();
      }
      throw error;
    }
  };
}

const MESSAGE = '/webhooks/:app/:token/messages/:message';

export const interactionRoutes: Route[] = [
  route('POST', '/interactions/:id/:token/callback', refusalsNoted(callback), 'path'),
  route('POST', '/webhooks/:app/:token', refusalsNoted(followUp), 'path'),
  route('GET', MESSAGE, (ctx) => ({ body: renderMessage(ctx.state.world, webhookMessage(ctx).message) }), 'path'),
  route(
    'PATCH',
    MESSAGE,
    refusalsNoted((ctx) => {
      const { message } = webhookMessage(ctx);
      const body = messageBody(ctx, bodyObject(ctx), []);
      editMessage(ctx.state.world, message, body, storeAttachments(ctx.files, body.attachments));
      return { body: renderMessage(ctx.state.world, message) };
    }),
    'path',
  ),
  route(
    'DELETE',
    MESSAGE,
    (ctx) => {
      deleteMessage(ctx.state.world, webhookMessage(ctx).message);
      return { status: 204 };
    },
    'path',
  ),
];
