import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EVERY_DAY } from '../src/features/daily/schedule.js';
import { DailyScheduler } from '../src/features/daily/scheduler.js';
import { minuteTicker } from '../src/features/daily/ticker.js';

export interface SchedulerFigures {
  schedules: number;
  heapMb: number;
  loadMs: number;
  ticks: number;
  postsTaken: number;
  tickMedianMs: number;
  tickP99Ms: number;
  tickMaxMs: number;
  busiestTickPosts: number;
  /** One tick when every server posts at the same minute: the worst case. */
  sameMinuteTickMs: number;
  timers: number;
}

const ZONES = [
  'UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Moscow', 'Asia/Almaty', 'Asia/Kolkata', 'Asia/Tokyo',
  'Asia/Shanghai', 'Australia/Sydney', 'Pacific/Auckland', 'America/New_York', 'America/Chicago',
  'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo', 'Africa/Lagos', 'Asia/Kathmandu', 'Pacific/Honolulu',
];
const DAY_CHOICES = [EVERY_DAY, [1, 2, 3, 4, 5], [6, 7], [1, 3, 5], [2, 4]];
const MINUTE = 60_000;

/** A garbage collector to call between measurements, so heap figures are of live objects only. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/**
 * Holds `count` servers' schedules (times clustered on the hour, as groups choose
 * them, in 18 timezones) and ticks once a minute through a whole simulated day.
 */
export async function benchScheduler(count = 100_000): Promise<SchedulerFigures> {
  const gc = collector();
  let state = 7;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  let posts = 0;
  const scheduler = new DailyScheduler({ onDue: () => void posts++ });
  const start = Date.UTC(2025, 0, 6, 0, 0);

  gc();
  const baseline = process.memoryUsage().heapUsed;
  const loadStarted = performance.now();
  for (let i = 0; i < count; i++) {
    // Half pick a full hour, the rest any minute: a realistic spread with busy minutes.
    const hour = Math.floor(random() * 24);
    const minute = random() < 0.5 ? 0 : Math.floor(random() * 60);
    const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    const guildId = String(100_000_000_000_000_000n + BigInt(i));
    scheduler.set(guildId, { time, timezone: ZONES[Math.floor(random() * ZONES.length)]!, days: DAY_CHOICES[Math.floor(random() * DAY_CHOICES.length)]! }, start);
  }
  const loadMs = performance.now() - loadStarted;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - baseline) / 1024 / 1024;

  const durations: number[] = [];
  let busiest = 0;
  for (let at = start; at < start + 24 * 60 * MINUTE; at += MINUTE) {
    const before = performance.now();
    const taken = scheduler.tick(at).length;
    durations.push(performance.now() - before);
    busiest = Math.max(busiest, taken);
  }
  durations.sort((a, b) => a - b);

  // The timers the running scheduler adds to the process, all servers together.
  const timersNow = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  const timersBefore = timersNow();
  const ticking = minuteTicker(async (at) => void scheduler.tick(at));
  const timers = timersNow() - timersBefore;
  await ticking.stop();

  const crowd = new DailyScheduler({ onDue: () => undefined });
  for (let i = 0; i < count; i++) crowd.set(String(i), { time: '09:00', timezone: 'Europe/Berlin', days: EVERY_DAY }, start);
  const crowdStarted = performance.now();
  crowd.tick(start + 24 * 60 * MINUTE);
  const sameMinuteTickMs = performance.now() - crowdStarted;

  return {
    schedules: scheduler.size,
    heapMb,
    loadMs,
    ticks: durations.length,
    postsTaken: posts,
    tickMedianMs: percentile(durations, 50),
    tickP99Ms: percentile(durations, 99),
    tickMaxMs: durations.at(-1)!,
    busiestTickPosts: busiest,
    sameMinuteTickMs,
    timers,
  };
}

/** Rows for the `npm run bench` table. */
export function schedulerRows(figures: SchedulerFigures): Array<{ figure: string; value: string; target: string }> {
  return [
    { figure: 'scheduler: schedules held', value: figures.schedules.toLocaleString('en'), target: '100,000' },
    { figure: 'scheduler: heap for them', value: `${figures.heapMb.toFixed(1)} MB`, target: '< 50 MB' },
    { figure: 'scheduler: timers', value: String(figures.timers), target: '1' },
    { figure: 'scheduler: loading them', value: `${figures.loadMs.toFixed(0)} ms`, target: '' },
    { figure: 'scheduler: tick median / p99', value: `${figures.tickMedianMs.toFixed(2)} / ${figures.tickP99Ms.toFixed(2)} ms`, target: '< 20 ms' },
    { figure: 'scheduler: slowest tick', value: `${figures.tickMaxMs.toFixed(2)} ms (${figures.busiestTickPosts} posts due)`, target: '< 20 ms' },
    { figure: 'scheduler: tick with every server due', value: `${figures.sameMinuteTickMs.toFixed(1)} ms (${figures.schedules.toLocaleString('en')} posts due)`, target: '' },
    { figure: 'scheduler: posts in a simulated day', value: figures.postsTaken.toLocaleString('en'), target: '' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(schedulerRows(await benchScheduler()));
}
