// One interaction as a test sees it: the bot's callback, its reply and follow-ups.
import { InteractionResponseType as Callback, type APIApplicationCommandOptionChoice } from 'discord-api-types/v10';
import type { InteractionCallback, InteractionRecord, MessageRecord } from './types.js';
import { DEFAULT_TIMEOUT_MS, waitUntil } from './wait.js';
import type { World } from './world.js';

const CALLBACK_NAMES: Partial<Record<Callback, string>> = {
  [Callback.ChannelMessageWithSource]: 'a message',
  [Callback.DeferredChannelMessageWithSource]: 'a deferred message',
  [Callback.DeferredMessageUpdate]: 'a deferred update',
  [Callback.UpdateMessage]: 'an updated message',
  [Callback.ApplicationCommandAutocompleteResult]: 'autocomplete choices',
  [Callback.Modal]: 'a modal',
};

type Choice = Pick<APIApplicationCommandOptionChoice, 'name' | 'value'>;

export class InteractionRun {
  /** How many edits the clicked message had when the click was sent (to notice a later edit). */
  readonly #sourceEditsAtStart: number;

  constructor(
    private readonly world: World,
    readonly record: InteractionRecord,
    readonly label: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.#sourceEditsAtStart = record.sourceMessageId ? (world.message(record.sourceMessageId)?.edits ?? 0) : 0;
  }

  get id(): string {
    return this.record.id;
  }

  /** The reply (or the clicked message, for updates) and the follow-ups, in their current state. */
  get messages(): MessageRecord[] {
    const ids = [this.record.originalId, ...this.record.followUpIds];
    return ids.flatMap((id) => {
      const message = id ? this.world.message(id) : undefined;
      return message ? [message] : [];
    });
  }

  /** Stops a wait at once when the server refused what the bot sent for this interaction. */
  #orRefused<T>(result: T | undefined): T | undefined {
    const refusal = this.record.refusals[0];
    if (result !== undefined || !refusal) return result;
    throw new Error(`loopback: the server refused the bot's ${refusal.method} ${refusal.path} for ${this.label}: ${JSON.stringify(refusal.error)}`);
  }

  /** The first callback: `{type, data}` as the bot sent it. */
  response(timeoutMs = this.timeoutMs): Promise<InteractionCallback> {
    return waitUntil(this.world, 'change', () => this.#orRefused(this.record.callbacks[0]), `the bot's response to ${this.label}`, timeoutMs);
  }

  /** Milliseconds from the interaction to its first callback; Infinity when none came in time (or it was refused). */
  firstResponseMs(timeoutMs = this.timeoutMs): Promise<number> {
    return this.response(timeoutMs).then(
      ({ at }) => at - this.record.createdAt,
      () => Infinity,
    );
  }

  /**
   * The visible reply: the message, the deferred reply once edited, the updated message,
   * or after a deferred update whichever comes first of an edit or a follow-up.
   */
  async reply(timeoutMs = this.timeoutMs): Promise<MessageRecord> {
    const { type } = await this.response(timeoutMs);
    if (type === Callback.ApplicationCommandAutocompleteResult || type === Callback.Modal) throw new Error(`loopback: ${this.label} was answered with ${CALLBACK_NAMES[type]}, not a message`);
    return waitUntil(
      this.world,
      'change',
      () => this.#orRefused(this.#visibleReply(type)),
      `the visible reply to ${this.label} (answered with ${CALLBACK_NAMES[type] ?? `type ${type}`})`,
      timeoutMs,
    );
  }

  #visibleReply(type: Callback): MessageRecord | undefined {
    const original = this.record.originalId ? this.world.message(this.record.originalId) : undefined;
    if (type === Callback.ChannelMessageWithSource || type === Callback.UpdateMessage) return original;
    if (type === Callback.DeferredChannelMessageWithSource) return original && !original.loading ? original : undefined;
    if (original && original.edits > this.#sourceEditsAtStart) return original;
    return this.record.followUpIds[0] ? this.world.message(this.record.followUpIds[0]) : undefined;
  }

  /** The n-th follow-up (1-based). */
  followUp(n = 1, timeoutMs = this.timeoutMs): Promise<MessageRecord> {
    return waitUntil(
      this.world,
      'change',
      () => {
        const id = this.record.followUpIds[n - 1];
        return this.#orRefused(id ? this.world.message(id) : undefined);
      },
      `follow-up #${n} to ${this.label}`,
      timeoutMs,
    );
  }

  /** The autocomplete choices the bot answered with. */
  async choices(timeoutMs = this.timeoutMs): Promise<Choice[]> {
    const { type, data } = await this.response(timeoutMs);
    if (type !== Callback.ApplicationCommandAutocompleteResult) throw new Error(`loopback: ${this.label} was answered with ${CALLBACK_NAMES[type] ?? type}, not autocomplete choices`);
    return (data?.['choices'] as Choice[] | undefined) ?? [];
  }

  /** The modal the bot opened: `{custom_id, title, components}`. */
  async modal(timeoutMs = this.timeoutMs): Promise<Record<string, unknown>> {
    const { type, data } = await this.response(timeoutMs);
    if (type !== Callback.Modal || !data) throw new Error(`loopback: ${this.label} was answered with ${CALLBACK_NAMES[type] ?? type}, not a modal`);
    return data;
  }
}
