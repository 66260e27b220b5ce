import type { EventEmitter } from 'node:events';

export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Resolves with the first defined result of `check`, re-checked on every `event`;
 * rejects after `timeoutMs` with a message naming what was awaited.
 */
export function waitUntil<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined,
  what: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const listener = () => {
      let result: T | undefined;
      try {
        result = check();
      } catch (error) {
        finish();
        reject(error as Error);
        return;
      }
      if (result === undefined) return;
      finish();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`loopback: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      emitter.off(event, listener);
    };
    emitter.on(event, listener);
  });
}
