import { pathToFileURL } from 'node:url';
import cron, { type ScheduledTask } from 'node-cron';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EVERY_DAY } from '../src/features/daily/schedule.js';
import { DailyScheduler } from '../src/features/daily/scheduler.js';
import { minuteTicker } from '../src/features/daily/ticker.js';
import { mulberry32 } from './generate-corpus.js';
import { percentile } from './stats.js';

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
  peer: PeerFigures;
}

/** The naive design beside ours: one node-cron task per server, as a bot would write it first. */
interface PeerFigures {
  heapMb: number;
  loadMs: number;
  timers: number;
  /** From the second the busiest minute's posts are due until the last one has run. */
  busiestMs: number;
  busiestFired: number;
  busiestMissed: number;
  everyServerMs: number;
  everyServerFired: number;
  everyServerMissed: number;
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

/**
 * Holds `count` servers' schedules (times clustered on the hour, as groups choose
 * them, in 18 timezones) and ticks once a minute through a whole simulated day.
 */
export async function benchScheduler(count = 100_000): Promise<SchedulerFigures> {
  const gc = collector();
  const random = mulberry32(7);
  const schedules = Array.from({ length: count }, () => {
    // Half pick a full hour, the rest any minute: a realistic spread with busy minutes.
    const hour = Math.floor(random() * 24);
    const minute = random() < 0.5 ? 0 : Math.floor(random() * 60);
    return { hour, minute, timezone: ZONES[Math.floor(random() * ZONES.length)]!, days: DAY_CHOICES[Math.floor(random() * DAY_CHOICES.length)]! };
  });
  let posts = 0;
  const scheduler = new DailyScheduler({ onDue: () => void posts++ });
  const start = Date.UTC(2025, 0, 6, 0, 0);

  gc();
  const baseline = process.memoryUsage().heapUsed;
  const loadStarted = performance.now();
  for (const [i, { hour, minute, timezone, days }] of schedules.entries()) {
    const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    scheduler.set(String(100_000_000_000_000_000n + BigInt(i)), { time, timezone, days }, start);
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

  const peer = await nodeCronPeer(schedules, busiest, gc);

  return {
    schedules: scheduler.size,
    heapMb,
    loadMs,
    ticks: durations.length,
    postsTaken: posts,
    tickMedianMs: percentile(durations, 0.5),
    tickP99Ms: percentile(durations, 0.99),
    tickMaxMs: durations.at(-1)!,
    busiestTickPosts: busiest,
    sameMinuteTickMs,
    timers,
    peer,
  };
}

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/**
 * The same schedules as one node-cron task each (cron's Sunday is 0, ours 7): heap and timers held;
 * then, in real time, `busiest` tasks due at one second (the busiest minute of the simulated day)
 * and every server's task due at one second, timed from that second until the last has run.
 */
async function nodeCronPeer(schedules: Array<{ hour: number; minute: number; timezone: string; days: number[] }>, busiest: number, gc: () => void): Promise<PeerFigures> {
  const options = { suppressMissedWarning: true };
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const timersBefore = activeTimers();
  const loadStarted = performance.now();
  let tasks: ScheduledTask[] = schedules.map(({ hour, minute, timezone, days }) =>
    cron.schedule(`${minute} ${hour} * * ${days.map((day) => day % 7).join(',')}`, () => undefined, { ...options, timezone }),
  );
  const loadMs = performance.now() - loadStarted;
  const timers = activeTimers() - timersBefore;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - baseline) / 1024 / 1024;
  await Promise.all(tasks.map((task) => task.destroy()));
  tasks = [];

  /** `size` tasks due at one second a little ahead: ms from that second until the last ran, and how many ran or were missed. */
  const burst = async (size: number) => {
    let fired = 0;
    let missed = 0;
    let last = 0;
    // Ahead by more than it takes to create them (creating them is not what is timed).
    const due = Math.ceil((Date.now() + loadMs * (size / schedules.length) * 2 + 2_000) / 1_000) * 1_000;
    const at = new Date(due);
    const expression = `${at.getSeconds()} ${at.getMinutes()} ${at.getHours()} * * *`;
    const done = new Promise<void>((resolve) => {
      const settle = () => {
        if (fired + missed === size) resolve();
      };
      for (let i = 0; i < size; i++) {
        const task = cron.schedule(
          expression,
          () => {
            fired += 1;
            last = Date.now();
            settle();
          },
          options,
        );
        task.on('execution:missed', () => {
          missed += 1;
          settle();
        });
        tasks.push(task);
      }
    });
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, due - Date.now() + 60_000))]);
    await Promise.all(tasks.map((task) => task.destroy()));
    tasks = [];
    return { ms: Math.max(0, last - due), fired, missed };
  };
  const busiestRun = await burst(busiest);
  const everyServer = await burst(schedules.length);
  return {
    heapMb,
    loadMs,
    timers,
    busiestMs: busiestRun.ms,
    busiestFired: busiestRun.fired,
    busiestMissed: busiestRun.missed,
    everyServerMs: everyServer.ms,
    everyServerFired: everyServer.fired,
    everyServerMissed: everyServer.missed,
  };
}

/** Rows for the `npm run bench` table. */
export function schedulerRows(figures: SchedulerFigures): Array<{ figure: string; value: string; target: string }> {
  const { peer } = figures;
  const ran = (fired: number, missed: number) => `${fired.toLocaleString('en')} ran${missed ? `, ${missed.toLocaleString('en')} missed` : ''}`;
  return [
    { figure: 'scheduler: schedules held', value: figures.schedules.toLocaleString('en'), target: '100,000' },
    { figure: 'scheduler: heap for them', value: `${figures.heapMb.toFixed(1)} MB (a node-cron task each: ${peer.heapMb.toFixed(1)} MB)`, target: '< 50 MB' },
    { figure: 'scheduler: timers', value: `${figures.timers} (a node-cron task each: ${peer.timers.toLocaleString('en')})`, target: '1' },
    { figure: 'scheduler: loading them', value: `${figures.loadMs.toFixed(0)} ms (a node-cron task each: ${Math.round(peer.loadMs).toLocaleString('en')} ms)`, target: '' },
    { figure: 'scheduler: tick median / p99', value: `${figures.tickMedianMs.toFixed(2)} / ${figures.tickP99Ms.toFixed(2)} ms`, target: '< 20 ms' },
    {
      figure: 'scheduler: slowest tick',
      value: `${figures.tickMaxMs.toFixed(2)} ms (${figures.busiestTickPosts} posts due; a node-cron task each: ${peer.busiestMs} ms until the last ran, ${ran(peer.busiestFired, peer.busiestMissed)})`,
      target: '< 20 ms',
    },
    {
      figure: 'scheduler: tick with every server due',
      value: `${figures.sameMinuteTickMs.toFixed(1)} ms (${figures.schedules.toLocaleString('en')} posts due; a node-cron task each: ${peer.everyServerMs.toLocaleString('en')} ms, ${ran(peer.everyServerFired, peer.everyServerMissed)})`,
      target: '',
    },
    { figure: 'scheduler: posts in a simulated day', value: figures.postsTaken.toLocaleString('en'), target: '' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(schedulerRows(await benchScheduler()));
}
