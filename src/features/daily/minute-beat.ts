import type { DailyScheduler, DuePost } from './scheduler.js';
import type { Ticker } from './ticker.js';

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

type DueQueue = ReturnType<typeof createDueQueue>;

/**
 * The minute beat of one scheduler (the daily post's, the weekly recap's): at start its schedules
 * are loaded and what is due is taken; each beat takes what is due then, and loads the schedules
 * again while they could not be listed (the store was down). `loadAll` resolves to whether it
 * listed them all.
 */
export function minuteBeat(options: { scheduler: Pick<DailyScheduler, 'tick'>; queue: DueQueue; ticker: Ticker; loadAll(at: number): Promise<boolean> }) {
  const { scheduler, queue } = options;
  let ticking: { stop(): Promise<void> } | undefined;
  let loadPending = false;
  const load = async (at: number) => {
    loadPending = !(await options.loadAll(at));
  };
  async function tick(at: Date): Promise<void> {
    if (loadPending) await load(+at);
    scheduler.tick(at);
    return queue.settled();
  }
  return {
    async start(at: number): Promise<void> {
      await load(at);
      scheduler.tick(at);
      ticking ??= options.ticker(tick);
    },
    /** Stops the beat and waits for what is being sent; what is queued is left for the next start's catch-up. */
    async stop(): Promise<void> {
      await ticking?.stop();
      ticking = undefined;
      queue.clear();
      await queue.settled();
    },
  };
}
