import { DateTime, FixedOffsetZone, IANAZone, Info, type Zone } from 'luxon';
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

/**
 * Abbreviations people type for a zone. They are not zones themselves (tzdata's `EST` is
 * UTC-5 all year, without daylight saving), so each is read as the zone most people mean.
 */
const ABBREVIATIONS = new Map(
  Object.entries({
    EST: 'America/New_York', EDT: 'America/New_York', ET: 'America/New_York',
    CST: 'America/Chicago', CDT: 'America/Chicago', CT: 'America/Chicago',
    MST: 'America/Denver', MDT: 'America/Denver', MT: 'America/Denver',
    PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles', PT: 'America/Los_Angeles',
    AKST: 'America/Anchorage', HST: 'Pacific/Honolulu', NST: 'America/St_Johns', BRT: 'America/Sao_Paulo',
    BST: 'Europe/London', WET: 'Europe/Lisbon', WEST: 'Europe/Lisbon', CET: 'Europe/Berlin', CEST: 'Europe/Berlin',
    EET: 'Europe/Athens', EEST: 'Europe/Athens', MSK: 'Europe/Moscow',
    WAT: 'Africa/Lagos', CAT: 'Africa/Maputo', EAT: 'Africa/Nairobi', SAST: 'Africa/Johannesburg',
    PKT: 'Asia/Karachi', IST: 'Asia/Kolkata', ALMT: 'Asia/Almaty', ICT: 'Asia/Bangkok', WIB: 'Asia/Jakarta',
    SGT: 'Asia/Singapore', HKT: 'Asia/Hong_Kong', JST: 'Asia/Tokyo', KST: 'Asia/Seoul',
    AWST: 'Australia/Perth', ACST: 'Australia/Adelaide', AEST: 'Australia/Sydney', AEDT: 'Australia/Sydney',
    NZST: 'Pacific/Auckland', NZDT: 'Pacific/Auckland',
  }),
);

/**
 * A fixed offset such as `UTC+5`, `GMT-3:30` or `+05:30`, as Luxon names it (`UTC+5`,
 * `UTC-3:30`); `GMT` and `UTC` alone are `UTC`. `GMT+5` means five hours ahead, as people
 * mean it (not tzdata's reversed `Etc/GMT+5`). Undefined when the input is not an offset.
 */
function fixedOffset(wanted: string): string | undefined {
  if (/^(utc|gmt|z)$/i.test(wanted)) return 'UTC';
  const match = /^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(wanted);
  if (!match) return undefined;
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
  // The offsets zones have used: UTC-12 to UTC+14, in quarter hours.
  if (minutes < -12 * 60 || minutes > 14 * 60 || minutes % 15 !== 0) return undefined;
  return minutes === 0 ? 'UTC' : FixedOffsetZone.instance(minutes).name;
}

/** Zones with a name part that starts with `query` (`alma` → Asia/Almaty, `new_y` → America/New_York). */
function zonesStarting(query: string): string[] {
  return timezoneNames().filter((name) => name.toLowerCase().split('/').some((part) => part.startsWith(query)) || name.toLowerCase().startsWith(query));
}

/**
 * The zone meant by what the admin typed, as stored and shown: an IANA name spelled as the
 * list spells it (`asia/almaty` → Asia/Almaty), the only zone a name part starts with
 * (`alma`), a common abbreviation (`EST` → America/New_York), or a fixed offset (`UTC+5`).
 */
export function parseTimezone(input: string): string {
  const wanted = input.trim();
  const lower = wanted.toLowerCase();
  const listed = timezoneNames().find((name) => name.toLowerCase() === lower);
  if (listed) return listed;
  const known = ABBREVIATIONS.get(wanted.toUpperCase()) ?? fixedOffset(wanted);
  if (known) return known;
  if (wanted.includes('/') && IANAZone.isValidZone(wanted)) return new Intl.DateTimeFormat('en', { timeZone: wanted }).resolvedOptions().timeZone;
  const starting = lower.length >= 3 ? zonesStarting(lower.replace(/\s+/g, '_')) : [];
  if (starting.length === 1) return starting[0]!;
  if (starting.length > 1) {
    const some = starting.slice(0, 4).map((name) => `\`${name}\``).join(', ');
    throw new UserError(`\`${quoteInput(wanted, 40)}\` fits ${starting.length} timezones (${some}${starting.length > 4 ? ', …' : ''}): pick one from the list.`);
  }
  throw new UserError(`\`${quoteInput(wanted, 40)}\` is not a timezone I know: pick an IANA name from the list, like \`Europe/Berlin\` or \`Asia/Almaty\`, or give an offset like \`UTC+5\`.`);
}

/** A choice with the zone's offset at `at`, after the abbreviation it was found by, if any. */
function zoneChoice(name: string, at: Date, abbreviation?: string): { name: string; value: string } {
  const zone = zoneOf(name);
  const offset = zone.isUniversal && name !== 'UTC' ? 'fixed offset, no daylight saving' : DateTime.fromJSDate(at, { zone }).toFormat("'UTC'ZZ");
  return { name: `${abbreviation ? `${abbreviation}: ` : ''}${name} (${offset})`, value: name };
}

/**
 * Up to 25 timezone choices for what was typed: the zone an abbreviation or offset stands
 * for first, then zones with a name part starting with it, then names containing it.
 */
export function timezoneChoices(typed: string, at: Date = new Date()): Array<{ name: string; value: string }> {
  const wanted = typed.trim();
  const query = wanted.toLowerCase().replace(/\s+/g, '_');
  const abbreviation = ABBREVIATIONS.get(wanted.toUpperCase());
  const offset = abbreviation ? undefined : fixedOffset(wanted);
  const first = abbreviation ?? offset;
  // UTC first when nothing is typed (the default).
  const starting = query === '' ? ['UTC'] : zonesStarting(query);
  const containing = timezoneNames().filter((name) => name.toLowerCase().includes(query));
  const names = [...new Set([...starting, ...containing])].filter((name) => name !== first);
  const choices = names.map((name) => zoneChoice(name, at));
  if (first) choices.unshift(zoneChoice(first, at, abbreviation ? wanted.toUpperCase() : undefined));
  return choices.slice(0, 25);
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

/** What `/daily set` is given, as the admin typed it; what is left out stays as it was. */
interface RawScheduleInput {
  channelId?: string | null;
  time?: string | null;
  timezone?: string | null;
  days?: string | null;
  thread?: boolean | null;
  roleId?: string | null;
  /** True: the posts stop pinging their role. */
  noPing?: boolean | null;
}

/** A whole schedule with its channel and options, as `/daily set` saves it. */
export interface ScheduleInput extends Schedule {
  channelId: string;
  thread: boolean;
  roleId?: string;
}

/** What one `/daily set` changes, once read; `roleId: null` stops the ping. */
export type ScheduleChanges = Partial<Omit<ScheduleInput, 'roleId'>> & { roleId?: string | null };

/** Reads what the admin typed; a mistake is one UserError sentence. */
export function parseSchedule(raw: RawScheduleInput): ScheduleChanges {
  return {
    ...(raw.channelId ? { channelId: raw.channelId } : {}),
    ...(raw.time != null ? { time: parseTime(raw.time) } : {}),
    ...(raw.timezone != null ? { timezone: parseTimezone(raw.timezone) } : {}),
    ...(raw.days != null ? { days: parseDays(raw.days) } : {}),
    ...(raw.thread != null ? { thread: raw.thread } : {}),
    ...(raw.roleId ? { roleId: raw.roleId } : raw.noPing ? { roleId: null } : {}),
  };
}

/**
 * The schedule once `changes` apply to the server's current one (or, on the first
 * `/daily set`, to the defaults: UTC, every day, a thread, no ping, and the channel the
 * command is run in). Its first `/daily set` needs a time.
 */
export function applyChanges(current: ScheduleInput | undefined, changes: ScheduleChanges, hereChannelId: string | undefined): ScheduleInput {
  const base = current ?? { timezone: 'UTC', days: [...EVERY_DAY], thread: true };
  const channelId = changes.channelId ?? current?.channelId ?? hereChannelId;
  const time = changes.time ?? current?.time;
  if (!channelId) throw new UserError('The first `/daily set` needs a `channel`: this one cannot take the daily post.');
  if (!time) throw new UserError('The first `/daily set` needs a `time`, like `time:09:00`.');
  const roleId = changes.roleId === undefined ? current?.roleId : changes.roleId;
  return {
    channelId,
    time,
    timezone: changes.timezone ?? base.timezone,
    days: changes.days ?? base.days,
    thread: changes.thread ?? base.thread,
    ...(roleId ? { roleId } : {}),
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

const zones = new Map<string, Zone>();

/** The Luxon zone of a stored name: an IANA zone or a fixed offset such as `UTC+5`. */
function zoneOf(timezone: string): Zone {
  let zone = zones.get(timezone);
  if (!zone) {
    zone = Info.normalizeZone(timezone);
    if (!zone.isValid) throw new Error(`unknown timezone: ${timezone}`);
    zones.set(timezone, zone);
  }
  return zone;
}

function offsetAt(timezone: string, at: number): number {
  const zone = zoneOf(timezone);
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
