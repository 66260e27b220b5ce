import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; the level comes from LOG_LEVEL. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'marginalia' } });
}

/** A short id that a user can quote and an operator can grep for in the logs. */
export function errorId(): string {
  return randomBytes(4).toString('hex');
}
