import type { ClientEvents } from 'discord.js';
import type { BotContext } from '../context.js';

/** A gateway event handler; its arguments are typed by the event name. */
export interface BotEvent<K extends keyof ClientEvents = keyof ClientEvents> {
  name: K;
  once?: boolean;
  execute(ctx: BotContext, ...args: ClientEvents[K]): Promise<void> | void;
}

/** Keeps each event file's argument types while the registry holds them together. */
export function defineEvent<K extends keyof ClientEvents>(event: BotEvent<K>): BotEvent<K> {
  return event;
}
