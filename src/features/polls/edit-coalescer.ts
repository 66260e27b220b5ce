import type { Clock } from './clock.js';

export const EDIT_INTERVAL_MS = 1_000;

/**
 * Coalesces message edits per poll: at most one edit per interval, and every
 * edit renders the poll as stored when it runs, so the last vote is always shown.
 * Edits of one poll never overlap, so a late live edit cannot undo the final one.
 */
export function createEditCoalescer(edit: (pollId: string) => Promise<void>, clock: Clock, intervalMs = EDIT_INTERVAL_MS) {
  interface State {
    lastAt: number;
    timer?: unknown;
    running?: Promise<void>;
    /** A vote came in while an edit was running. */
    dirty: boolean;
  }
  const states = new Map<string, State>();

  const run = (pollId: string, state: State): Promise<void> => {
    state.timer = undefined;
    state.lastAt = clock.now();
    const running = edit(pollId)
      .catch(() => undefined)
      .finally(() => {
        state.running = undefined;
        if (state.dirty && states.get(pollId) === state) {
          state.dirty = false;
          schedule(pollId, state);
        }
      });
    state.running = running;
    return running;
  };

  const schedule = (pollId: string, state: State) => {
    const delay = Math.max(0, state.lastAt + intervalMs - clock.now());
    state.timer = clock.setTimeout(() => void run(pollId, state), delay);
  };

  const drop = (pollId: string): State | undefined => {
    const state = states.get(pollId);
    if (state?.timer !== undefined) clock.clearTimeout(state.timer);
    states.delete(pollId);
    return state;
  };

  return {
    /** The poll changed: edit now if the last edit is old enough, else once the interval is over. */
    request(pollId: string): void {
      let state = states.get(pollId);
      if (!state) {
        state = { lastAt: -Infinity, dirty: false };
        states.set(pollId, state);
      }
      if (state.timer !== undefined) return;
      if (state.running) state.dirty = true;
      else schedule(pollId, state);
    },
    /** The last edit of a poll (its final results): runs at once, after any edit in flight. */
    async finish(pollId: string): Promise<void> {
      await drop(pollId)?.running;
      await edit(pollId).catch(() => undefined);
    },
    /** Stops editing a poll (its server's data is gone). */
    forget(pollId: string): void {
      drop(pollId);
    },
    /** Makes every pending edit now and waits for all of them (at shutdown). */
    async flush(): Promise<void> {
      const pending = [...states.entries()].map(([pollId, state]) => {
        if (state.timer === undefined) return state.running;
        clock.clearTimeout(state.timer);
        return run(pollId, state);
      });
      await Promise.all(pending);
    },
  };
}
