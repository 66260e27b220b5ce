/**
 * In-flight work of the process, so that SIGTERM can stop taking new interactions
 * and still answer the ones already taken.
 */
export function createDrain() {
  const inFlight = new Set<Promise<unknown>>();
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    /** Runs `work`, counted as in flight until it settles. */
    track<T>(work: () => Promise<T>): Promise<T> {
      const job = work();
      const settled = job.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return job;
    },
    /** Stops new work and waits for what is in flight, at most `timeoutMs`; false when time ran out. */
    async close(timeoutMs: number): Promise<boolean> {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
      const done = (async () => {
        while (inFlight.size > 0) await Promise.all(inFlight);
        return true as const;
      })();
      const finished = await Promise.race([done, timeout]);
      clearTimeout(timer);
      return finished;
    },
  };
}

export type Drain = ReturnType<typeof createDrain>;
