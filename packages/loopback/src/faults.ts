// Injected failures: REST responses that Discord sometimes gives, and dropped gateway connections.
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { Gateway, DropOptions } from './gateway.js';

export interface FaultSpec {
  method?: string;
  /** Matched against the path after /api/v10; a string may use `:name` placeholders. */
  route: string | RegExp;
  status: 429 | 500 | 502 | 403;
  /** How many requests fail before the route works again (default 1). */
  times?: number;
  /** Seconds to wait, for 429 (default 0.25). */
  retryAfter?: number;
  /** For 429: the global rate limit (`global: true`, `x-ratelimit-global`), which stops every route, not one bucket. */
  global?: boolean;
}

export interface FaultHit {
  method: string;
  path: string;
  status: number;
  at: string;
}

export interface FaultResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function toPattern(route: string | RegExp): RegExp {
  if (route instanceof RegExp) return route;
  const escaped = route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

export class Faults {
  readonly hits: FaultHit[] = [];
  #pending: Array<{ spec: FaultSpec; pattern: RegExp; left: number }> = [];

  constructor(private readonly gateway: Gateway) {}

  inject(spec: FaultSpec): void {
    this.#pending.push({ spec, pattern: toPattern(spec.route), left: spec.times ?? 1 });
  }

  clear(): void {
    this.#pending = [];
  }

  /** Closes the bot's gateway connections with a resumable code (4000); discord.js then resumes. */
  dropGateway(options: DropOptions = {}): number {
    return this.gateway.drop(options);
  }

  /** Every RESUME the gateway accepted. */
  get resumes() {
    return this.gateway.resumes;
  }

  /** The response for this request if a fault is due, using up one of its times. */
  take(method: string, path: string): FaultResponse | null {
    const fault = this.#pending.find(
      (f) => f.left > 0 && f.pattern.test(path) && (!f.spec.method || f.spec.method.toUpperCase() === method),
    );
    if (!fault) return null;
    fault.left -= 1;
    this.#pending = this.#pending.filter((f) => f.left > 0);
    this.hits.push({ method, path, status: fault.spec.status, at: new Date().toISOString() });
    return respond(fault.spec);
  }
}

function respond(spec: FaultSpec): FaultResponse {
  if (spec.status === 429) {
    const retryAfter = spec.retryAfter ?? 0.25;
    if (spec.global) {
      // Discord's global limit: no bucket, the whole token waits.
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
        headers: { 'retry-after': String(retryAfter), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      };
    }
    return {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
      headers: {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() / 1000) + retryAfter).toFixed(3),
        'x-ratelimit-reset-after': retryAfter.toFixed(3),
        'x-ratelimit-bucket': 'fault',
        'x-ratelimit-scope': 'user',
      },
    };
  }
  if (spec.status === 403) return { status: 403, body: { code: RESTJSONErrorCodes.MissingPermissions, message: 'Missing Permissions' }, headers: {} };
  if (spec.status === 502) return { status: 502, body: { code: 0, message: '502: Bad Gateway' }, headers: {} };
  return { status: 500, body: { code: 0, message: '500: Internal Server Error' }, headers: {} };
}
