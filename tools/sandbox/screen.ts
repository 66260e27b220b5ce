// What the sandbox has shown: every message gets a number the first time it appears; new and
// edited messages are printed once things are quiet, so a burst of edits prints only the last state.
import type { Dispatch, Loopback, MessageRecord } from '@marginalia/loopback';
import { renderMessage, interactive, type Style } from './render.js';

const QUIET_MS = 300;
const MAX_DELAY_MS = 1500;

type Entry = { kind: 'message'; id: string } | { kind: 'note'; text: () => string };

export class Screen {
  readonly #shown = new Map<string, { n: number; signature: string }>();
  readonly #numbers: string[] = [];
  #pending: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #firstPendingAt = 0;
  #lastEventAt = 0;
  /** Labels of the interactions the sandbox sent, by interaction id. */
  readonly labels = new Map<string, string>();
  /** The last shown message that has buttons or a select menu. */
  lastInteractive: string | undefined;

  constructor(
    private readonly lb: Loopback,
    readonly style: Style,
    private readonly print: (text: string) => void,
  ) {
    lb.on('message', (message: MessageRecord) => this.#queue({ kind: 'message', id: message.id }));
    lb.world.on('dispatch', (dispatch: Dispatch) => {
      if (dispatch.event !== 'THREAD_CREATE') return;
      const thread = dispatch.data as { name?: string; parent_id?: string; id?: string };
      const parent = thread.parent_id ? this.lb.world.channel(thread.parent_id)?.name : undefined;
      // A thread started on a message takes the message's id; its number is known once it is shown.
      const on = () => (thread.id ? this.#shown.get(thread.id)?.n : undefined);
      this.#queue({ kind: 'note', text: () => `#${parent ?? '?'}: a thread "${thread.name ?? ''}" was started${on() ? ` on message #${on()}` : ''}` });
    });
  }

  #queue(entry: Entry): void {
    const now = Date.now();
    if (!this.#pending.length) this.#firstPendingAt = now;
    this.#lastEventAt = now;
    if (entry.kind === 'note' || !this.#pending.some((e) => e.kind === 'message' && e.id === entry.id)) this.#pending.push(entry);
    clearTimeout(this.#timer);
    const wait = Math.min(QUIET_MS, Math.max(0, this.#firstPendingAt + MAX_DELAY_MS - now));
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Prints everything that changed and is not shown yet in its current state. */
  flush(): void {
    clearTimeout(this.#timer);
    const pending = this.#pending;
    this.#pending = [];
    for (const entry of pending) {
      if (entry.kind === 'note') this.print(this.style.dim(entry.text()));
      else {
        const message = this.lb.world.message(entry.id);
        if (message) this.show(message);
      }
    }
  }

  /** Resolves once no message has changed for a moment (at most `maxMs`), then prints the changes. */
  async settle(maxMs = MAX_DELAY_MS): Promise<void> {
    const until = Date.now() + maxMs;
    while (Date.now() < until && Date.now() - this.#lastEventAt < QUIET_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.flush();
  }

  /** Prints a message unless it is already on screen as it is now; a deferred reply waits for its text. */
  show(message: MessageRecord): number | undefined {
    if (message.loading) return undefined;
    const signature = JSON.stringify([message.content, message.embeds, message.components, message.attachments.length]);
    const seen = this.#shown.get(message.id);
    if (seen?.signature === signature) return seen.n;
    const n = seen?.n ?? this.#numbers.push(message.id);
    this.#shown.set(message.id, { n, signature });
    this.print(renderMessage(this.lb.world, this.style, message, this.#header(message, n, seen !== undefined)));
    const { buttons, menus } = interactive(message);
    if (buttons.length || menus.length) this.lastInteractive = message.id;
    return n;
  }

  /** The id of message #n. */
  messageId(n: number): string | undefined {
    return this.#numbers[n - 1];
  }
  numberOf(id: string): number | undefined {
    return this.#shown.get(id)?.n;
  }

  #header(message: MessageRecord, n: number, again: boolean): string {
    const world = this.lb.world;
    const channel = world.channel(message.channelId);
    const parent = channel?.parentId ? world.channel(channel.parentId) : undefined;
    const where = parent ? `#${parent.name} › ${channel?.name}` : `#${channel?.name ?? '?'}`;
    const author = world.user(message.authorId)?.username ?? 'someone';
    const interaction = message.interactionId ? world.interactionsById.get(message.interactionId) : undefined;
    const parts = [`#${n}`];
    if (interaction) {
      const user = world.user(interaction.userId)?.username ?? 'someone';
      const label = this.labels.get(interaction.id) ?? 'an interaction';
      parts.push(`${author} → ${user}, ${label}`);
      parts.push(message.ephemeral ? `private (only ${user} sees it)` : `public in ${where}`);
    } else {
      parts.push(`${where} · ${author}`);
    }
    if (again) parts.push(interaction ? 'updated' : 'edited');
    return parts.join(' · ');
  }
}
