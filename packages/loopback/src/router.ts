// A small router for the REST routes, and the state every route handler sees.
import { ApiError } from './http.js';
import { invalidFormBody, type FormIssue } from './form-errors.js';
import type { Attachment } from './types.js';
import type { World } from './world.js';

export interface Violation {
  at: string;
  method: string;
  path: string;
  issues: FormIssue[];
}

export interface ServerState {
  world: World;
  token: string;
  violations: Violation[];
  /** How long the bot has to send the first interaction callback (Discord: 3 s). */
  interactionTimeoutMs: number;
  gatewayUrl(): string;
}

export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: Attachment[];
  state: ServerState;
}

interface RouteResult {
  status?: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: string;
  /** 'bot': needs `Authorization: Bot <token>`; 'path': the token is in the path (webhooks, interactions). */
  auth: 'bot' | 'path';
  handler(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export function route(method: string, pattern: string, handler: Route['handler'], auth: Route['auth'] = 'bot'): Route {
  return { method, pattern, auth, handler };
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const pattern = candidate.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = decodeURIComponent(parts[i] ?? '');
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = part;
        return true;
      }
      return segment === part;
    });
    if (matches) return { route: candidate, params };
  }
  return null;
}

/** Throws Discord's 50035 "Invalid Form Body" when there are issues, and records them as a violation. */
export function enforce(ctx: RouteContext, issues: FormIssue[]): void {
  if (!issues.length) return;
  ctx.state.violations.push({ at: new Date().toISOString(), method: ctx.method, path: ctx.path, issues });
  const body = invalidFormBody(issues);
  throw new ApiError(400, body.code, body.message, body.errors);
}

export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    enforce(ctx, [{ path: '', code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }]);
  }
  return body as Record<string, unknown>;
}
