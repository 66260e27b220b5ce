import type { DuePost } from './scheduler.js';

/**
 * Posts the scheduler found due, sent a few at a time: in a minute when thousands of servers
 * are due, they go out `concurrency` at once, not all together. The daily post and the weekly
 * recap each have one; `send` handles its own errors.
 */
export function createDueQueue(concurrency: number, send: (due: DuePost) => Promise<void>) {
  const queue: DuePost[] = [];
  const inFlight = new Set<Promise<void>>();
  function pump(): void {
    while (inFlight.size < concurrency && queue.length > 0) {
      const job = send(queue.shift()!).finally(() => {
        inFlight.delete(job);
        pump();
      });
      inFlight.add(job);
    }
  }
  return {
    enqueue(due: DuePost): void {
      queue.push(due);
      pump();
    },
    /** Resolves when nothing is queued or being sent. */
    async settled(): Promise<void> {
      while (inFlight.size > 0 || queue.length > 0) await Promise.all([...inFlight]);
    },
    /** Drops what has not started (on stop: the next start's catch-up makes it). */
    clear(): void {
      queue.length = 0;
    },
  };
}
