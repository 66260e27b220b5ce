import { nextPostAt, type Schedule } from './schedule.js';

/** What the scheduler holds per server: a few numbers and the timezone name. */
interface Entry {
  guildId: string;
  /** When this entry is next taken, ms since the epoch. */
  due: number;
  /** The post instant it stands for: the same as `due`, except on a retry after a failure. */
  slot: number;
  time: string;
  timezone: string;
  days: number[];
  /** Position in the heap array. */
  index: number;
}

export interface DuePost {
  guildId: string;
  /** The scheduled instant of the post. */
  slot: Date;
}

interface SchedulerOptions {
  /** Called for each post that is due, from `tick`; it must not throw (errors are its own to handle). */
  onDue(post: DuePost): void;
  /** Called instead of `onDue` for a post more than `lateLimitMs` late. */
  onSkip?(post: DuePost, lateMs: number): void;
  /** Called when a server's schedule cannot be handled; the tick goes on with the others. */
  onError?(guildId: string, error: unknown): void;
  /** A post later than this is skipped, not made (6 hours). */
  lateLimitMs?: number;
}

export const LATE_LIMIT_MS = 6 * 60 * 60 * 1000;

/**
 * All servers' daily posts in one binary heap ordered by due instant, ticked by one
 * timer for the whole process (the service's ticker). `tick(now)` takes only what is
 * due, so its cost depends on the posts due that minute, not on the number of servers.
 */
export class DailyScheduler {
  private readonly heap: Entry[] = [];
  private readonly entries = new Map<string, Entry>();
  // Times, timezone names and day lists repeat across servers: keep one copy of each.
  private readonly interned = new Map<string, string>();
  private readonly daySets = new Map<string, number[]>();
  private readonly lateLimitMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.lateLimitMs = options.lateLimitMs ?? LATE_LIMIT_MS;
  }

  get size(): number {
    return this.entries.size;
  }

  has(guildId: string): boolean {
    return this.entries.has(guildId);
  }

  /**
   * When a server's entry is next taken (`due`) and the post instant it stands for
   * (`slot`): the same instant, except while a retry of a failed post is pending.
   */
  next(guildId: string): { due: Date; slot: Date } | undefined {
    const entry = this.entries.get(guildId);
    return entry ? { due: new Date(entry.due), slot: new Date(entry.slot) } : undefined;
  }

  /**
   * Holds a server's schedule, replacing any earlier one. Its next post is the first
   * after `now`, or `slot` when given (a post missed at start-up, to be caught up).
   */
  set(guildId: string, schedule: Schedule, now: Date | number, slot?: Date): void {
    const at = slot ? +slot : +nextPostAt(schedule, now);
    const daysKey = schedule.days.join(',');
    let days = this.daySets.get(daysKey);
    if (!days) this.daySets.set(daysKey, (days = [...schedule.days]));
    const timezone = this.intern(schedule.timezone);
    const time = this.intern(schedule.time);
    const existing = this.entries.get(guildId);
    if (existing) {
      Object.assign(existing, { due: at, slot: at, time, timezone, days });
      this.restore(existing.index);
      return;
    }
    const entry: Entry = { guildId, due: at, slot: at, time, timezone, days, index: this.heap.length };
    this.entries.set(guildId, entry);
    this.heap.push(entry);
    this.up(entry.index);
  }

  /** Takes the post for `slot` again at `at` (after a passing failure), unless it would be too late. */
  retry(guildId: string, slot: Date, at: Date): boolean {
    const entry = this.entries.get(guildId);
    if (!entry || +at - +slot > this.lateLimitMs) return false;
    entry.due = +at;
    entry.slot = +slot;
    this.restore(entry.index);
    return true;
  }

  delete(guildId: string): void {
    const entry = this.entries.get(guildId);
    if (!entry) return;
    this.entries.delete(guildId);
    const last = this.heap.pop()!;
    if (last !== entry) {
      this.heap[entry.index] = last;
      last.index = entry.index;
      this.restore(last.index);
    }
  }

  /**
   * Takes every post due at `now`: each goes to `onDue` (or `onSkip` when over the
   * late limit) and its server is rescheduled for its next post after `now`.
   */
  tick(now: Date | number = Date.now()): DuePost[] {
    const time = +now;
    const taken: DuePost[] = [];
    // Servers due together mostly share a schedule (09:00 in one zone): compute it once.
    const nextOf = new Map<string, number>();
    while (this.heap.length > 0 && this.heap[0]!.due <= time) {
      const entry = this.heap[0]!;
      const post = { guildId: entry.guildId, slot: new Date(entry.slot) };
      try {
        const from = Math.max(time, entry.slot);
        const key = `${entry.time}|${entry.timezone}|${entry.days.join(',')}|${from}`;
        let next = nextOf.get(key);
        if (next === undefined) nextOf.set(key, (next = +nextPostAt(entry, from)));
        entry.slot = entry.due = next;
        this.down(0);
      } catch (error) {
        this.delete(entry.guildId);
        this.options.onError?.(entry.guildId, error);
        continue;
      }
      const late = time - +post.slot;
      try {
        if (late > this.lateLimitMs) this.options.onSkip?.(post, late);
        else {
          taken.push(post);
          this.options.onDue(post);
        }
      } catch (error) {
        this.options.onError?.(entry.guildId, error);
      }
    }
    return taken;
  }

  private intern(text: string): string {
    let kept = this.interned.get(text);
    if (kept === undefined) this.interned.set(text, (kept = text));
    return kept;
  }

  private restore(index: number): void {
    this.up(index);
    this.down(index);
  }

  private up(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.due <= entry.due) break;
      heap[index] = heap[parent]!;
      heap[index]!.index = index;
      index = parent;
    }
    heap[index] = entry;
    entry.index = index;
  }

  private down(index: number): void {
    const heap = this.heap;
    const entry = heap[index];
    if (!entry) return;
    const length = heap.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && heap[child + 1]!.due < heap[child]!.due) child++;
      if (heap[child]!.due >= entry.due) break;
      heap[index] = heap[child]!;
      heap[index]!.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
