// The REST entry point: /api/v10 prefix, authentication, injected faults, routing, and the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import { ApiError, rateLimitHeaders, readBody, send } from './http.js';
import { commandRoutes } from './rest-commands.js';
import { guildRoutes } from './rest-guilds.js';
import { interactionRoutes } from './rest-interactions.js';
import { messageRoutes } from './rest-messages.js';
import { matchRoute, type Route, type ServerState } from './router.js';

export interface RequestLog {
  method: string;
  /** The path after /api/v10, without the query. */
  path: string;
  query: string;
  /** The route pattern that answered, or null for an unknown route (answered 404). */
  route: string | null;
  status: number;
  /** The request body (payload_json for multipart). */
  body: unknown;
  /** The response body, for errors. */
  error?: unknown;
  at: string;
}

const routes: Route[] = [...guildRoutes, ...messageRoutes, ...commandRoutes, ...interactionRoutes];
const PREFIX = '/api/v10';

export function restHandler(state: ServerState, faults: Faults, log: RequestLog[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) || '/' : url.pathname;
    const entry: RequestLog = { method, path, query: url.search, route: null, status: 0, body: undefined, at: new Date().toISOString() };
    log.push(entry);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      if (status >= 400) entry.error = body;
      send(res, status, body, { ...rateLimitHeaders(`${method}:${entry.route ?? path}`), ...headers });
    };
    try {
      const parsed = await readBody(req);
      entry.body = parsed.json;
      const found = url.pathname.startsWith(PREFIX) ? matchRoute(routes, method, path) : null;
      if (!found) return reply(404, { code: 0, message: '404: Not Found' });
      entry.route = found.route.pattern;
      if (found.route.auth === 'bot' && req.headers.authorization !== `Bot ${state.token}`) {
        return reply(401, { code: 0, message: '401: Unauthorized' });
      }
      const fault = faults.take(method, path);
      if (fault) return reply(fault.status, fault.body, fault.headers);
      const result = await found.route.handler({
        method,
        path,
        params: found.params,
        query: url.searchParams,
        body: parsed.json,
        files: parsed.files,
        state,
      });
      reply(result.status ?? 200, result.body);
    } catch (error) {
      if (error instanceof ApiError) return reply(error.status, error.body);
      // A bug in the loopback server itself: answer like Discord's 500 and keep the reason in the log.
      reply(500, { code: 0, message: '500: Internal Server Error', loopbackError: String((error as Error).stack ?? error) });
    }
  };
}
