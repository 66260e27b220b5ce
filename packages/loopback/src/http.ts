// HTTP plumbing: reading JSON and multipart bodies, Discord-shaped errors, rate-limit headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESTJSONErrorCodes as Codes } from 'discord-api-types/v10';
import { snowflake } from './snowflake.js';
import type { Attachment } from './types.js';

/** A Discord error response: thrown by route handlers, sent as `{code, message, errors?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }
  get body() {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const unknown = {
  channel: () => new ApiError(404, Codes.UnknownChannel, 'Unknown Channel'),
  guild: () => new ApiError(404, Codes.UnknownGuild, 'Unknown Guild'),
  member: () => new ApiError(404, Codes.UnknownMember, 'Unknown Member'),
  message: () => new ApiError(404, Codes.UnknownMessage, 'Unknown Message'),
  webhook: () => new ApiError(404, Codes.UnknownWebhook, 'Unknown Webhook'),
  command: () => new ApiError(404, Codes.UnknownApplicationCommand, 'Unknown application command'),
  interaction: () => new ApiError(404, Codes.UnknownInteraction, 'Unknown interaction'),
};
export const missingAccess = () => new ApiError(403, Codes.MissingAccess, 'Missing Access');
export const missingPermissions = () => new ApiError(403, Codes.MissingPermissions, 'Missing Permissions');
export const emptyMessage = () => new ApiError(400, Codes.CannotSendAnEmptyMessage, 'Cannot send an empty message');

export interface ParsedBody {
  json: unknown;
  files: Attachment[];
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * @discordjs/rest sends JSON, or multipart/form-data with `payload_json` and
 * `files[n]` parts when there are attachments.
 */
export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readAll(req);
  const type = req.headers['content-type'] ?? '';
  if (!raw.length) return { json: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const payload = form.get('payload_json');
    const files: Attachment[] = [];
    for (const [key, value] of form.entries()) {
      const index = /^files\[(\d+)\]$/.exec(key)?.[1];
      if (typeof value === 'string' || index === undefined) continue;
      files.push({ id: index, filename: value.name, size: value.size, contentType: value.type || null, description: null, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
    return { json: typeof payload === 'string' ? JSON.parse(payload) : {}, files };
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    throw new ApiError(400, Codes.RequestBodyContainsInvalidJSON, 'The request body contains invalid JSON.');
  }
}

/** Attachments get real ids once stored; the body's `attachments[].id` names the `files[n]` part. */
export function storeAttachments(files: Attachment[], described: unknown): Attachment[] {
  const list = Array.isArray(described) ? (described as Array<{ id?: unknown; description?: unknown; filename?: unknown }>) : [];
  return files.map((file) => {
    const meta = list.find((a) => String(a.id) === file.id);
    return {
      ...file,
      id: snowflake(),
      filename: typeof meta?.filename === 'string' ? meta.filename : file.filename,
      description: typeof meta?.description === 'string' ? meta.description : null,
    };
  });
}

/** Plausible per-route bucket headers so @discordjs/rest's queue is satisfied and never waits. */
export function rateLimitHeaders(bucket: string): Record<string, string> {
  return {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset': ((Date.now() + 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': '1.000',
    'x-ratelimit-bucket': Buffer.from(bucket).toString('hex').slice(0, 32),
  };
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status === 200 ? 204 : status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
