import type { Clock } from './clock.js';

// setTimeout takes at most a signed 32-bit delay; a later deadline is re-checked then.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The deadlines of the open polls this process closes, behind one timer armed
 * for the soonest one: any number of polls cost a single timer.
 */
export function createDeadlines(clock: Clock, onDue: (pollIds: string[]) => void) {
  const deadlines = new Map<string, number>();
  let armed: { at: number; handle: unknown } | undefined;

  const disarm = () => {
    if (armed) clock.clearTimeout(armed.handle);
    armed = undefined;
  };

  const fire = () => {
    armed = undefined;
    const now = clock.now();
    const due = [...deadlines].filter(([, at]) => at <= now).map(([pollId]) => pollId);
    for (const pollId of due) deadlines.delete(pollId);
    arm();
    if (due.length > 0) onDue(due);
  };

  const arm = () => {
    let soonest = Infinity;
    for (const at of deadlines.values()) soonest = Math.min(soonest, at);
    if (armed?.at === soonest) return;
    disarm();
    if (soonest === Infinity) return;
    const delay = Math.min(Math.max(0, soonest - clock.now()), MAX_DELAY_MS);
    armed = { at: soonest, handle: clock.setTimeout(fire, delay) };
  };

  return {
    set(pollId: string, closesAt: number): void {
      deadlines.set(pollId, closesAt);
      arm();
    },
    delete(pollId: string): void {
      if (deadlines.delete(pollId)) arm();
    },
    has(pollId: string): boolean {
      return deadlines.has(pollId);
    },
    get size(): number {
      return deadlines.size;
    },
    stop(): void {
      disarm();
      deadlines.clear();
    },
  };
}
