// The real discord.js client, pointed at a loopback server: `@marginalia/loopback/client`.
// Not exported from index.ts, so that only a consumer that has discord.js loads it.
import { once } from 'node:events';
import { Client, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { Loopback } from './server.js';

/** Logs a client in with only the Guilds intent and waits for `clientReady` (all guilds received). */
export async function connectClient(lb: Loopback, options: Partial<ClientOptions> = {}): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: lb.apiUrl },
    allowedMentions: { parse: [] },
    ...options,
  });
  const ready = once(client, 'clientReady');
  await client.login(lb.token);
  await ready;
  return client as Client<true>;
}
