import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import {
  formatDays,
  localDate,
  nextPostAt,
  parseDays,
  parseTime,
  parseTimezone,
  previousPostAt,
  timezoneChoices,
  type Schedule,
} from '../../../src/features/daily/schedule.js';

const every = [1, 2, 3, 4, 5, 6, 7];
const iso = (at: Date | undefined) => at?.toISOString();

describe('parseTime', () => {
  it('GIVEN HH:MM on a 24-hour clock THEN it is kept, with a leading zero', () => {
    expect(parseTime('09:00')).toBe('09:00');
    expect(parseTime('9:05')).toBe('09:05');
    expect(parseTime(' 23:59 ')).toBe('23:59');
    expect(parseTime('00:00')).toBe('00:00');
  });

  it.each(['25:00', '9am', '24:00', '12:60', '0900', '', '9.00', '21:30pm'])('GIVEN %j THEN one clear sentence', (input) => {
    expect(() => parseTime(input)).toThrow(UserError);
    expect(() => parseTime(input)).toThrow(/is not a time: write it as HH:MM on a 24-hour clock/);
  });
});

describe('parseTimezone', () => {
  it('GIVEN an IANA name in any case THEN it is spelled as the list spells it', () => {
    expect(parseTimezone('Asia/Almaty')).toBe('Asia/Almaty');
    expect(parseTimezone('asia/almaty')).toBe('Asia/Almaty');
    expect(parseTimezone('utc')).toBe('UTC');
    expect(parseTimezone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(parseTimezone('America/New_York')).toBe('America/New_York');
  });

  it.each(['Mars/Base', 'Europe/Atlantis', 'GMT+25', 'UTC+5:10', 'UTC-13', 'zzz', ''])('GIVEN %j THEN one clear sentence naming names and offsets to use', (input) => {
    expect(() => parseTimezone(input)).toThrow(UserError);
    expect(() => parseTimezone(input)).toThrow(/is not a timezone I know: pick an IANA name from the list, like `Europe\/Berlin` or `Asia\/Almaty`, or give an offset like `UTC\+5`\.$/);
  });

  it('GIVEN the start of one zone\'s name, typed without picking from the list THEN that zone', () => {
    expect(parseTimezone('alma')).toBe('Asia/Almaty');
    expect(parseTimezone('Kolk')).toBe('Asia/Kolkata');
    expect(parseTimezone('new york')).toBe('America/New_York');
    expect(parseTimezone('berlin')).toBe('Europe/Berlin');
  });

  it('GIVEN the start of several zones\' names THEN one sentence naming some of them', () => {
    expect(() => parseTimezone('new')).toThrow('`new` fits 2 timezones (`America/New_York`, `America/North_Dakota/New_Salem`): pick one from the list.');
    expect(() => parseTimezone('america')).toThrow(/^`america` fits \d+ timezones \(`America\/Adak`, .*, …\): pick one from the list\.$/);
  });

  it('GIVEN an abbreviation THEN the zone most people mean, which follows daylight saving', () => {
    expect(parseTimezone('EST')).toBe('America/New_York');
    expect(parseTimezone('edt')).toBe('America/New_York');
    expect(parseTimezone('PST')).toBe('America/Los_Angeles');
    expect(parseTimezone('CET')).toBe('Europe/Berlin');
    expect(parseTimezone('IST')).toBe('Asia/Kolkata');
    // tzdata's own `EST` is UTC-5 all year; New York is UTC-4 in July.
    const july = { time: '09:00', timezone: parseTimezone('EST'), days: every };
    expect(iso(nextPostAt(july, Date.parse('2025-07-01T00:00:00Z')))).toBe('2025-07-01T13:00:00.000Z');
  });

  it('GIVEN GMT, UTC or an offset THEN a fixed-offset zone as Luxon names it, which schedules posts', () => {
    expect(parseTimezone('GMT')).toBe('UTC');
    expect(parseTimezone('utc')).toBe('UTC');
    expect(parseTimezone('UTC+5')).toBe('UTC+5');
    expect(parseTimezone('UTC-03:30')).toBe('UTC-3:30');
    expect(parseTimezone('GMT+5:30')).toBe('UTC+5:30');
    expect(parseTimezone('+0545')).toBe('UTC+5:45');
    expect(parseTimezone('UTC+0')).toBe('UTC');
    expect(iso(nextPostAt({ time: '09:00', timezone: 'UTC+5', days: every }, Date.parse('2025-01-06T00:00:00Z')))).toBe('2025-01-06T04:00:00.000Z');
    expect(iso(nextPostAt({ time: '09:00', timezone: 'UTC-3:30', days: every }, Date.parse('2025-07-06T00:00:00Z')))).toBe('2025-07-06T12:30:00.000Z');
    expect(localDate(Date.parse('2025-01-06T20:00:00Z'), 'UTC+5')).toBe('2025-01-07');
  });

  it('GIVEN an abbreviation or offset being typed THEN autocomplete offers its zone first, not zones that merely contain the letters', () => {
    const at = new Date('2025-01-13T00:00:00Z');
    expect(timezoneChoices('EST', at)[0]).toEqual({ name: 'EST: America/New_York (UTC-05:00)', value: 'America/New_York' });
    expect(timezoneChoices('est', at)[0]!.value).toBe('America/New_York');
    expect(timezoneChoices('PST', at)[0]!.value).toBe('America/Los_Angeles');
    expect(timezoneChoices('CET', at)[0]!.value).toBe('Europe/Berlin');
    expect(timezoneChoices('IST', at)[0]!.value).toBe('Asia/Kolkata');
    expect(timezoneChoices('UTC+5', at)[0]).toEqual({ name: 'UTC+5 (fixed offset, no daylight saving)', value: 'UTC+5' });
    // Zones whose name part starts with what is typed come before those that only contain it.
    const lon = timezoneChoices('lon', at).map((choice) => choice.value);
    expect(lon.indexOf('Europe/London')).toBeGreaterThanOrEqual(0);
    expect(lon).toEqual(['Arctic/Longyearbyen', 'Europe/London', 'America/Blanc-Sablon', 'America/Miquelon']);
    for (const typed of ['EST', 'PST', 'UTC+5']) for (const choice of timezoneChoices(typed, at)) expect(parseTimezone(choice.value)).toBe(choice.value);
  });

  it('GIVEN a part of a name THEN autocomplete offers matching zones, at most 25, each within 100 characters', () => {
    expect(timezoneChoices('alma').map((choice) => choice.value)).toEqual(['Asia/Almaty']);
    expect(timezoneChoices('KOLK').map((choice) => choice.value)).toContain('Asia/Kolkata');
    expect(timezoneChoices('new york').map((choice) => choice.value)).toContain('America/New_York');
    for (const query of ['', 'a', 'america', 'zzz']) {
      const choices = timezoneChoices(query);
      expect(choices.length).toBeLessThanOrEqual(25);
      for (const choice of choices) {
        expect(choice.name.length).toBeGreaterThan(0);
        expect(choice.name.length).toBeLessThanOrEqual(100);
        expect(choice.value.length).toBeLessThanOrEqual(100);
      }
    }
    expect(timezoneChoices('').map((choice) => choice.value)).toContain('UTC');
    expect(timezoneChoices('zzz')).toEqual([]);
  });
});

describe('parseDays', () => {
  it('GIVEN the named sets and lists THEN weekdays 1 (Monday) to 7 (Sunday)', () => {
    expect(parseDays('every day')).toEqual(every);
    expect(parseDays('weekdays')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('Weekends')).toEqual([6, 7]);
    expect(parseDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(parseDays('Fri, mon')).toEqual([1, 5]);
    expect(parseDays('tuesday thursday')).toEqual([2, 4]);
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('fri-mon')).toEqual([1, 5, 6, 7]);
  });

  it.each(['funday', 'mon,xyz', 'm', 'mon-', 'constructor', 'every other day', ',', ';', ',,', ' , '])('GIVEN %j THEN one clear sentence', (input) => {
    expect(() => parseDays(input)).toThrow(UserError);
    expect(() => parseDays(input)).toThrow(/is not a list of days/);
  });

  it('GIVEN days THEN they read back as the admin would write them', () => {
    expect(formatDays(every)).toBe('every day');
    expect(formatDays([1, 2, 3, 4, 5])).toBe('weekdays');
    expect(formatDays([6, 7])).toBe('weekends');
    expect(formatDays([5, 1, 3])).toBe('Mon, Wed, Fri');
  });
});

describe('nextPostAt', () => {
  const at = (time: string, timezone: string, days = every): Schedule => ({ time, timezone, days });

  it('GIVEN zones on both sides of UTC THEN the local time is found', () => {
    const now = new Date('2025-01-15T12:00:00Z'); // a Wednesday
    expect(iso(nextPostAt(at('09:00', 'Asia/Almaty'), now))).toBe('2025-01-16T04:00:00.000Z');
    expect(iso(nextPostAt(at('09:00', 'America/Los_Angeles'), now))).toBe('2025-01-15T17:00:00.000Z');
    expect(iso(nextPostAt(at('09:00', 'Pacific/Auckland'), now))).toBe('2025-01-15T20:00:00.000Z');
    expect(iso(nextPostAt(at('23:30', 'Pacific/Honolulu'), now))).toBe('2025-01-16T09:30:00.000Z');
    expect(iso(nextPostAt(at('12:00', 'UTC'), now))).toBe('2025-01-16T12:00:00.000Z');
  });

  it('GIVEN a half-hour zone (Asia/Kolkata) and a 45-minute one THEN the offset is exact', () => {
    const now = new Date('2025-01-15T00:00:00Z');
    expect(iso(nextPostAt(at('09:00', 'Asia/Kolkata'), now))).toBe('2025-01-15T03:30:00.000Z');
    expect(iso(nextPostAt(at('09:00', 'Asia/Kathmandu'), now))).toBe('2025-01-15T03:15:00.000Z');
  });

  it('GIVEN weekdays or weekends THEN other days are passed over', () => {
    const friday = new Date('2025-01-17T10:00:00Z');
    expect(iso(nextPostAt(at('09:00', 'UTC', [1, 2, 3, 4, 5]), friday))).toBe('2025-01-20T09:00:00.000Z');
    expect(iso(nextPostAt(at('09:00', 'UTC', [6, 7]), friday))).toBe('2025-01-18T09:00:00.000Z');
    // Friday 23:30 in Almaty is still Friday there, although it is Friday 18:30 UTC.
    expect(iso(nextPostAt(at('23:45', 'Asia/Almaty', [5]), new Date('2025-01-17T18:30:00Z')))).toBe('2025-01-17T18:45:00.000Z');
  });

  it('GIVEN clocks going forward THEN a skipped local time posts at the first instant after the gap', () => {
    // Berlin: 2025-03-30 02:00 CET becomes 03:00 CEST (01:00 UTC).
    expect(iso(nextPostAt(at('02:30', 'Europe/Berlin'), new Date('2025-03-29T12:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
    // New York: 2025-03-09 02:00 EST becomes 03:00 EDT (07:00 UTC).
    expect(iso(nextPostAt(at('02:30', 'America/New_York'), new Date('2025-03-08T12:00:00Z')))).toBe('2025-03-09T07:00:00.000Z');
    // The day after, the usual time again.
    expect(iso(nextPostAt(at('02:30', 'Europe/Berlin'), new Date('2025-03-30T01:00:00Z')))).toBe('2025-03-31T00:30:00.000Z');
  });

  it('GIVEN clocks going back THEN a repeated local time posts once, at its first occurrence', () => {
    // Berlin: 2025-10-26 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    const berlin = at('02:30', 'Europe/Berlin');
    expect(iso(nextPostAt(berlin, new Date('2025-10-25T12:00:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(nextPostAt(berlin, new Date('2025-10-26T00:30:00Z')))).toBe('2025-10-27T01:30:00.000Z');
    // New York: 2025-11-02 01:30 happens at 05:30 and 06:30 UTC.
    const newYork = at('01:30', 'America/New_York');
    expect(iso(nextPostAt(newYork, new Date('2025-11-01T12:00:00Z')))).toBe('2025-11-02T05:30:00.000Z');
    expect(iso(nextPostAt(newYork, new Date('2025-11-02T05:30:00Z')))).toBe('2025-11-03T06:30:00.000Z');
  });

  it('GIVEN a daylight-saving change THEN 09:00 stays 09:00 local on both sides', () => {
    const berlin = at('09:00', 'Europe/Berlin');
    expect(iso(nextPostAt(berlin, new Date('2025-03-29T12:00:00Z')))).toBe('2025-03-30T07:00:00.000Z');
    expect(iso(nextPostAt(berlin, new Date('2025-03-28T12:00:00Z')))).toBe('2025-03-29T08:00:00.000Z');
    const sydney = at('09:00', 'Australia/Sydney'); // southern hemisphere: clocks go back in April
    expect(iso(nextPostAt(sydney, new Date('2025-04-05T12:00:00Z')))).toBe('2025-04-05T23:00:00.000Z');
    expect(iso(nextPostAt(sydney, new Date('2025-04-04T12:00:00Z')))).toBe('2025-04-04T22:00:00.000Z');
  });

  it('GIVEN now exactly at a post THEN the next is the following one, and the previous is this one', () => {
    const schedule = at('09:00', 'Asia/Almaty');
    const post = new Date('2025-01-15T04:00:00Z');
    expect(iso(nextPostAt(schedule, post))).toBe('2025-01-16T04:00:00.000Z');
    expect(iso(previousPostAt(schedule, post))).toBe('2025-01-15T04:00:00.000Z');
    expect(iso(previousPostAt(schedule, new Date(+post - 1)))).toBe('2025-01-14T04:00:00.000Z');
  });

  it("GIVEN an instant THEN the server's local date is the guard key's date", () => {
    expect(localDate(new Date('2025-01-15T20:00:00Z'), 'Asia/Almaty')).toBe('2025-01-16');
    expect(localDate(new Date('2025-01-15T20:00:00Z'), 'America/New_York')).toBe('2025-01-15');
    expect(localDate(new Date('2025-01-15T04:00:00Z'), 'Pacific/Honolulu')).toBe('2025-01-14');
  });
});
