import cron from 'node-cron';

/**
 * The beat of the daily posts: calls `onTick` with the minute's instant until stopped.
 * `onTick` resolves once the posts it started are done; a ticker may wait on that
 * (tests do), the minute timer does not.
 */
export type Ticker = (onTick: (at: Date) => Promise<void>) => { stop(): Promise<void> };

/** One node-cron task for the whole process, at the start of every minute. */
export const minuteTicker: Ticker = (onTick) => {
  // Not awaited: a slow post must not hold back the next minute's tick.
  const task = cron.schedule('* * * * *', (context) => void onTick(context.date), { name: 'daily-posts', noOverlap: true });
  return {
    async stop() {
      await task.destroy();
    },
  };
};
