import { RESTEvents, type Client } from 'discord.js';
import type { Metrics } from './metrics.js';

// An interaction's first callback is POST /interactions/:id/:token/callback.
const CALLBACK = /^\/interactions\/(\d+)\/[^/]+\/callback$/;
// Discord drops an interaction token's first response after 3 s; anything older is forgotten.
const FORGET_AFTER_MS = 15_000;

/**
 * Times each interaction from its arrival to Discord accepting its first callback,
 * whatever the handler answered with (reply, defer, update, choices).
 */
export function trackFirstResponses(client: Client, metrics: Metrics) {
  const arrivals = new Map<string, { at: number; command: string }>();
  const sweep = setInterval(() => {
    const old = performance.now() - FORGET_AFTER_MS;
    for (const [id, arrival] of arrivals) if (arrival.at < old) arrivals.delete(id);
  }, FORGET_AFTER_MS);
  sweep.unref();
  client.rest.on(RESTEvents.Response, (request, response) => {
    // The listener gets a clone of each response; its body is never read, so free it.
    if (response instanceof Response) void response.body?.cancel();
    const id = CALLBACK.exec(request.path)?.[1];
    const arrival = id && arrivals.get(id);
    if (!arrival || response.status >= 300) return;
    arrivals.delete(id);
    metrics.firstResponse.observe({ command: arrival.command }, (performance.now() - arrival.at) / 1000);
  });
  return {
    arrived(id: string, command: string): void {
      arrivals.set(id, { at: performance.now(), command });
    },
    stop(): void {
      clearInterval(sweep);
    },
  };
}

export type FirstResponses = ReturnType<typeof trackFirstResponses>;
