import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../../lib/errors.js';
import { quoteInput } from '../../lib/ui/limits.js';

/** When a server's daily post is due: a local time on some weekdays (1 = Monday ... 7 = Sunday). */
export interface Schedule {
  /** `HH:MM`, 24-hour clock. */
  time: string;
  /** IANA name, e.g. `Asia/Almaty`. */
  timezone: string;
  days: number[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];
const WEEKENDS = [6, 7];
const DAY_WORDS = new Map(
  Object.entries({
    mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, weds: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4,
    thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
  }),
);
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `HH:MM` on a 24-hour clock (`9:05` is read as `09:05`); anything else is one clear sentence. */
export function parseTime(input: string): string {
  const match = /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$/.exec(input);
  if (!match) {
    throw new UserError(`\`${quoteInput(input.trim(), 40)}\` is not a time: write it as HH:MM on a 24-hour clock, like \`09:00\` or \`21:30\`.`);
  }
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

/** Minutes after local midnight of an `HH:MM` time. */
function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

// Node's ICU lists some zones by their old names only (Asia/Calcutta); people type the new ones.
const CURRENT_NAMES = [
  'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Ho_Chi_Minh', 'Asia/Yangon', 'Europe/Kyiv', 'America/Nuuk',
  'Atlantic/Faroe', 'Pacific/Chuuk', 'Pacific/Pohnpei', 'Pacific/Kanton', 'America/Argentina/Buenos_Aires',
  'America/Indiana/Indianapolis', 'America/Kentucky/Louisville',
];

let zoneNames: string[] | undefined;

/** Every IANA timezone name this Node knows, with `UTC` and the current spellings of renamed zones. */
function timezoneNames(): string[] {
  zoneNames ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), ...CURRENT_NAMES.filter((name) => IANAZone.isValidZone(name))])].sort();
  return zoneNames;
}

/** A valid IANA timezone, spelled as the list spells it (`asia/almaty` gives `Asia/Almaty`). */
export function parseTimezone(input: string): string {
  const wanted = input.trim();
  const listed = timezoneNames().find((name) => name.toLowerCase() === wanted.toLowerCase());
  if (listed) return listed;
  if (wanted.includes('/') && IANAZone.isValidZone(wanted)) return new Intl.DateTimeFormat('en', { timeZone: wanted }).resolvedOptions().timeZone;
  throw new UserError(`\`${quoteInput(input.trim(), 40)}\` is not a timezone I know: pick an IANA name from the list, like \`Europe/Berlin\`, \`Asia/Almaty\` or \`UTC\`.`);
}

/** Up to 25 timezone choices whose name contains what was typed, with the offset at `at`. */
export function timezoneChoices(typed: string, at: Date = new Date()): Array<{ name: string; value: string }> {
  const query = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const names = timezoneNames().filter((name) => name.toLowerCase().includes(query));
  const starts = (name: string) => name.toLowerCase().startsWith(query) || name.toLowerCase().includes(`/${query}`);
  // UTC first (the default), then names that start with what was typed.
  names.sort((a, b) => Number(b === 'UTC') - Number(a === 'UTC') || Number(starts(b)) - Number(starts(a)));
  return names.slice(0, 25).map((name) => ({ name: `${name} (${DateTime.fromJSDate(at, { zone: name }).toFormat("'UTC'ZZ")})`, value: name }));
}

/** `every day`, `weekdays`, `weekends`, or a list of days such as `mon,wed,fri` or `mon-fri`. */
export function parseDays(input: string): number[] {
  const text = input.trim().toLowerCase();
  if (['every day', 'everyday', 'daily', 'all', ''].includes(text)) return [...EVERY_DAY];
  if (['weekdays', 'weekday', 'workdays'].includes(text)) return [...WEEKDAYS];
  if (['weekends', 'weekend'].includes(text)) return [...WEEKENDS];
  const days = new Set<number>();
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  // Only separators (`,`, ` ; `): no day at all.
  if (parts.length === 0) throw notDays(input);
  for (const part of parts) {
    const range = /^([a-z]+)-([a-z]+)$/.exec(part);
    if (range) {
      const from = dayNumber(range[1]!, input);
      const to = dayNumber(range[2]!, input);
      for (let day = from; ; day = (day % 7) + 1) {
        days.add(day);
        if (day === to) break;
      }
    } else {
      days.add(dayNumber(part, input));
    }
  }
  return [...days].sort((a, b) => a - b);
}

function notDays(input: string): UserError {
  return new UserError(`\`${quoteInput(input.trim(), 40)}\` is not a list of days: write \`every day\`, \`weekdays\`, \`weekends\`, or days like \`mon,wed,fri\`.`);
}

function dayNumber(word: string, input: string): number {
  const day = DAY_WORDS.get(word);
  if (day === undefined) throw notDays(input);
  return day;
}

/** What `/daily set` is given, as the admin typed it. */
interface RawScheduleInput {
  channelId: string;
  time: string;
  timezone?: string | null;
  days?: string | null;
  thread?: boolean | null;
  roleId?: string | null;
}

/** A `/daily set` input once read: a valid schedule with its channel and options. */
export interface ScheduleInput extends Schedule {
  channelId: string;
  thread: boolean;
  roleId?: string;
}

/** Reads what the admin typed, with the defaults (UTC, every day, a thread); a mistake is one UserError sentence. */
export function parseSchedule(raw: RawScheduleInput): ScheduleInput {
  return {
    channelId: raw.channelId,
    time: parseTime(raw.time),
    timezone: parseTimezone(raw.timezone ?? 'UTC'),
    days: parseDays(raw.days ?? 'every day'),
    thread: raw.thread ?? true,
    ...(raw.roleId ? { roleId: raw.roleId } : {}),
  };
}

/** `every day`, `weekdays`, `weekends` or `Mon, Wed, Fri`. */
export function formatDays(days: number[]): string {
  const key = [...days].sort((a, b) => a - b).join(',');
  if (key === EVERY_DAY.join(',')) return 'every day';
  if (key === WEEKDAYS.join(',')) return 'weekdays';
  if (key === WEEKENDS.join(',')) return 'weekends';
  return [...days].sort((a, b) => a - b).map((day) => DAY_LABELS[day - 1]).join(', ');
}

/** The server's local date of an instant, `YYYY-MM-DD`: the key of that day's post. */
export function localDate(at: Date | number, timezone: string): string {
  return DateTime.fromMillis(+at, { zone: timezone }).toISODate()!;
}

/** An instant as the server reads it, e.g. `Monday 6 January 2025, 09:00 (Asia/Almaty)`. */
export function formatLocal(at: Date | number, timezone: string): string {
  return `${DateTime.fromMillis(+at, { zone: timezone }).toFormat('cccc d LLLL yyyy, HH:mm')} (${timezone})`;
}

/**
 * A zone's UTC offset in minutes at an instant. Offsets change at most once a day, so
 * a day whose two ends have the same offset has it all day: that is remembered, and
 * only a day with a change asks the timezone database minute by minute.
 */
const dayOffsets = new Map<string, number>();
const CHANGES = -1_000_000;

function offsetAt(timezone: string, at: number): number {
  const zone = IANAZone.create(timezone);
  const day = Math.floor(at / DAY);
  const key = `${timezone}|${day}`;
  let known = dayOffsets.get(key);
  if (known === undefined) {
    const first = zone.offset(day * DAY);
    known = first === zone.offset(day * DAY + DAY - 1) ? first : CHANGES;
    if (dayOffsets.size > 50_000) dayOffsets.clear();
    dayOffsets.set(key, known);
  }
  return known === CHANGES ? zone.offset(at) : known;
}

/**
 * The instant a local wall-clock time happens in a zone (`wall` is that time written
 * as if it were UTC). A time that is skipped (clocks go forward) gives the first
 * instant after the gap; a time that happens twice (clocks go back) gives the first
 * of the two, so a post is never skipped nor doubled by daylight-saving changes.
 */
function instantAt(wall: number, timezone: string): number {
  const offsets = new Set([offsetAt(timezone, wall - DAY), offsetAt(timezone, wall), offsetAt(timezone, wall + DAY)]);
  let first = Infinity;
  for (const offset of offsets) {
    const at = wall - offset * MINUTE;
    if (at + offsetAt(timezone, at) * MINUTE === wall && at < first) first = at;
  }
  if (first !== Infinity) return first;
  // In a gap: the first minute whose local wall clock has passed the wanted time.
  let low = wall - Math.max(...offsets) * MINUTE;
  let high = wall - Math.min(...offsets) * MINUTE;
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (middle + offsetAt(timezone, middle) * MINUTE >= wall) high = middle;
    else low = middle;
  }
  return high;
}

/** Local midnight of the day `at` falls on, written as if it were UTC. */
function localDayStart(at: number, timezone: string): number {
  const wall = at + offsetAt(timezone, at) * MINUTE;
  return Math.floor(wall / DAY) * DAY;
}

/** 1 = Monday ... 7 = Sunday, of a local midnight written as UTC (1970-01-01 was a Thursday). */
function weekdayOf(dayStart: number): number {
  return ((Math.floor(dayStart / DAY) + 3) % 7) + 1;
}

/** The first post instant strictly after `now`. */
export function nextPostAt(schedule: Schedule, now: Date | number): Date {
  const minutes = minuteOfDay(schedule.time);
  const today = localDayStart(+now, schedule.timezone);
  for (let step = 0; step < 15; step++) {
    const day = today + step * DAY;
    if (!schedule.days.includes(weekdayOf(day))) continue;
    const at = instantAt(day + minutes * MINUTE, schedule.timezone);
    if (at > +now) return new Date(at);
  }
  throw new Error(`schedule has no days: ${JSON.stringify(schedule.days)}`);
}

/** The latest post instant at or before `now`, within the past week. */
export function previousPostAt(schedule: Schedule, now: Date | number): Date | undefined {
  const minutes = minuteOfDay(schedule.time);
  const today = localDayStart(+now, schedule.timezone);
  for (let step = 0; step < 9; step++) {
    const day = today - step * DAY;
    if (!schedule.days.includes(weekdayOf(day))) continue;
    const at = instantAt(day + minutes * MINUTE, schedule.timezone);
    if (at <= +now) return new Date(at);
  }
  return undefined;
}
