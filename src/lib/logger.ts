import { randomBytes } from 'node:crypto';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACTED = '[redacted]';

/**
 * Credentials that reach logs inside text: an interaction's token in its webhook and
 * callback URLs (valid 15 minutes), the bot token after `Bot ` and on its own. Errors of
 * discord.js carry the request URL in `url`, their messages and their stacks.
 */
const SECRETS: Array<[RegExp, string]> = [
  [/(\/(?:interactions|webhooks)\/\d+\/)[^/?#\s"'\\]+/g, `$1${REDACTED}`],
  [/\bBot\s+[\w.-]{20,}/g, `Bot ${REDACTED}`],
  // Discord's token shapes: three base64url parts (bot tokens), and interaction tokens ("interaction:…" in base64).
  [/[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}/g, REDACTED],
  [/aW50ZXJhY3Rpb246[\w-]+/g, REDACTED],
];

/** `text` with every token-like string replaced. */
function scrubSecrets(text: string): string {
  return SECRETS.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, depth + 1)]));
}

/**
 * Structured JSON logs on stdout; the level comes from LOG_LEVEL. No token of any kind is
 * written: headers and token fields are redacted by key, errors (message, stack, `url`,
 * request body) are scrubbed by their serializer, and every line passes the same scrub
 * before it is written, for a URL in a message or in any other field.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'marginalia' },
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', '*.*.headers.authorization'],
      censor: REDACTED,
    },
    serializers: {
      // The request body is left out: it repeats what members typed, and Discord's answer (`rawError`) says what was wrong.
      err: (error: unknown) => {
        if (!(error instanceof Error)) return scrubDeep(error);
        const { requestBody: _body, ...serialized } = stdSerializers.err(error) as ReturnType<typeof stdSerializers.err> & { requestBody?: unknown };
        return scrubDeep(serialized);
      },
    },
    hooks: { streamWrite: scrubSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A short id that a user can quote and an operator can grep for in the logs. */
export function errorId(): string {
  return randomBytes(4).toString('hex');
}
