import { describe, expect, it } from 'vitest';
import { localDate, nextPostAt, type Schedule } from '../../../src/features/daily/schedule.js';
import { DailyScheduler, type DuePost } from '../../../src/features/daily/scheduler.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const every = [1, 2, 3, 4, 5, 6, 7];

/** Ticks once a minute from `from` to `to` (a controlled clock) and gives back every post taken. */
function run(scheduler: DailyScheduler, from: string, to: string): DuePost[] {
  const taken: DuePost[] = [];
  for (let at = Date.parse(from); at <= Date.parse(to); at += MINUTE) taken.push(...scheduler.tick(at));
  return taken;
}

function posts(schedules: Record<string, Schedule>, from: string, to: string) {
  const scheduler = new DailyScheduler({ onDue: () => undefined });
  for (const [guildId, schedule] of Object.entries(schedules)) scheduler.set(guildId, schedule, Date.parse(from));
  return run(scheduler, from, to).map((post) => `${post.guildId} ${post.slot.toISOString()}`);
}

describe('DailyScheduler', () => {
  it('GIVEN servers on both sides of UTC THEN each posts once a day at its local time', () => {
    const taken = posts(
      {
        almaty: { time: '09:00', timezone: 'Asia/Almaty', days: every },
        auckland: { time: '07:15', timezone: 'Pacific/Auckland', days: every },
        honolulu: { time: '21:00', timezone: 'Pacific/Honolulu', days: every },
        utc: { time: '00:00', timezone: 'UTC', days: every },
      },
      '2025-01-15T00:00:00Z',
      '2025-01-16T23:59:00Z',
    );
    expect(taken).toEqual([
      'almaty 2025-01-15T04:00:00.000Z',
      'honolulu 2025-01-15T07:00:00.000Z',
      'auckland 2025-01-15T18:15:00.000Z',
      'utc 2025-01-16T00:00:00.000Z',
      'almaty 2025-01-16T04:00:00.000Z',
      'honolulu 2025-01-16T07:00:00.000Z',
      'auckland 2025-01-16T18:15:00.000Z',
    ]);
  });

  it('GIVEN Asia/Kolkata (UTC+05:30) THEN the post is on the half hour', () => {
    expect(posts({ kolkata: { time: '08:00', timezone: 'Asia/Kolkata', days: every } }, '2025-01-15T00:00:00Z', '2025-01-16T00:00:00Z')).toEqual([
      'kolkata 2025-01-15T02:30:00.000Z',
    ]);
  });

  it('GIVEN weekdays and weekends THEN a week has five and two posts on the right days', () => {
    const taken = posts(
      {
        weekdays: { time: '09:00', timezone: 'Asia/Almaty', days: [1, 2, 3, 4, 5] },
        weekends: { time: '10:00', timezone: 'America/New_York', days: [6, 7] },
      },
      '2025-01-13T00:00:00Z', // a Monday
      '2025-01-19T23:59:00Z',
    );
    const days = (guildId: string, timezone: string) =>
      taken.filter((line) => line.startsWith(`${guildId} `)).map((line) => localDate(new Date(line.split(' ')[1]!), timezone));
    expect(days('weekdays', 'Asia/Almaty')).toEqual(['2025-01-13', '2025-01-14', '2025-01-15', '2025-01-16', '2025-01-17']);
    expect(days('weekends', 'America/New_York')).toEqual(['2025-01-18', '2025-01-19']);
  });

  it('GIVEN clocks going forward in Berlin and New York THEN a skipped 02:30 posts at 03:00 local, once', () => {
    expect(
      posts({ berlin: { time: '02:30', timezone: 'Europe/Berlin', days: every } }, '2025-03-29T00:00:00Z', '2025-03-31T23:59:00Z'),
    ).toEqual(['berlin 2025-03-29T01:30:00.000Z', 'berlin 2025-03-30T01:00:00.000Z', 'berlin 2025-03-31T00:30:00.000Z']);
    expect(
      posts({ newYork: { time: '02:30', timezone: 'America/New_York', days: every } }, '2025-03-08T00:00:00Z', '2025-03-10T23:59:00Z'),
    ).toEqual(['newYork 2025-03-08T07:30:00.000Z', 'newYork 2025-03-09T07:00:00.000Z', 'newYork 2025-03-10T06:30:00.000Z']);
  });

  it('GIVEN clocks going back in Berlin and New York THEN a repeated hour posts once', () => {
    expect(
      posts({ berlin: { time: '02:30', timezone: 'Europe/Berlin', days: every } }, '2025-10-25T00:00:00Z', '2025-10-27T23:59:00Z'),
    ).toEqual(['berlin 2025-10-25T00:30:00.000Z', 'berlin 2025-10-26T00:30:00.000Z', 'berlin 2025-10-27T01:30:00.000Z']);
    expect(
      posts({ newYork: { time: '01:30', timezone: 'America/New_York', days: every } }, '2025-11-01T00:00:00Z', '2025-11-03T23:59:00Z'),
    ).toEqual(['newYork 2025-11-01T05:30:00.000Z', 'newYork 2025-11-02T05:30:00.000Z', 'newYork 2025-11-03T06:30:00.000Z']);
  });

  it('GIVEN a daylight-saving change THEN 09:00 local moves by an hour in UTC and by nothing locally', () => {
    const taken = posts({ newYork: { time: '09:00', timezone: 'America/New_York', days: every } }, '2025-03-08T00:00:00Z', '2025-03-10T23:59:00Z');
    expect(taken).toEqual(['newYork 2025-03-08T14:00:00.000Z', 'newYork 2025-03-09T13:00:00.000Z', 'newYork 2025-03-10T13:00:00.000Z']);
  });

  it('GIVEN a thousand random schedules THEN every tick takes exactly the posts due, in order, once', () => {
    const zones = ['UTC', 'Asia/Almaty', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Pacific/Chatham', 'America/St_Johns'];
    const schedules: Record<string, Schedule> = {};
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let i = 0; i < 1000; i++) {
      schedules[`g${i}`] = {
        time: `${String(random(24)).padStart(2, '0')}:${String(random(60)).padStart(2, '0')}`,
        timezone: zones[random(zones.length)]!,
        days: [every, [1, 2, 3, 4, 5], [6, 7], [2, 4]][random(4)]!,
      };
    }
    const from = '2025-03-28T00:00:00Z';
    const to = '2025-04-01T00:00:00Z';
    const taken = posts(schedules, from, to);
    const expected: string[] = [];
    for (const [guildId, schedule] of Object.entries(schedules)) {
      for (let at = nextPostAt(schedule, Date.parse(from)); +at <= Date.parse(to); at = nextPostAt(schedule, at)) {
        expected.push(`${guildId} ${at.toISOString()}`);
      }
    }
    expect([...taken].sort()).toEqual(expected.sort());
    const slots = taken.map((line) => line.split(' ')[1]!);
    expect(slots).toEqual([...slots].sort());
  });

  it('GIVEN a schedule replaced or deleted THEN only the latest one posts', () => {
    const scheduler = new DailyScheduler({ onDue: () => undefined });
    const from = Date.parse('2025-01-15T00:00:00Z');
    scheduler.set('a', { time: '09:00', timezone: 'UTC', days: every }, from);
    scheduler.set('b', { time: '10:00', timezone: 'UTC', days: every }, from);
    scheduler.set('a', { time: '11:00', timezone: 'UTC', days: every }, from);
    scheduler.delete('b');
    expect(scheduler.size).toBe(1);
    expect(run(scheduler, '2025-01-15T00:00:00Z', '2025-01-15T23:59:00Z').map((post) => post.slot.toISOString())).toEqual(['2025-01-15T11:00:00.000Z']);
  });

  it('GIVEN a tick after a long pause THEN a post over 6 hours late is skipped, a recent one is made', () => {
    const skipped: DuePost[] = [];
    const scheduler = new DailyScheduler({ onDue: () => undefined, onSkip: (post) => skipped.push(post) });
    const from = Date.parse('2025-01-15T00:00:00Z');
    scheduler.set('recent', { time: '09:00', timezone: 'UTC', days: every }, from);
    scheduler.set('old', { time: '02:00', timezone: 'UTC', days: every }, from);
    const taken = scheduler.tick(Date.parse('2025-01-15T11:00:00Z'));
    expect(taken.map((post) => post.guildId)).toEqual(['recent']);
    expect(skipped.map((post) => post.guildId)).toEqual(['old']);
    // Both are due again tomorrow.
    expect(scheduler.next('old')?.slot.toISOString()).toBe('2025-01-16T02:00:00.000Z');
    expect(scheduler.next('recent')?.slot.toISOString()).toBe('2025-01-16T09:00:00.000Z');
  });

  it('GIVEN a failed post retried THEN it comes back with its own slot, and the day after is kept', () => {
    const scheduler = new DailyScheduler({ onDue: () => undefined });
    scheduler.set('a', { time: '09:00', timezone: 'UTC', days: every }, Date.parse('2025-01-15T00:00:00Z'));
    const [first] = scheduler.tick(Date.parse('2025-01-15T09:00:00Z'));
    expect(scheduler.retry('a', first!.slot, new Date(Date.parse('2025-01-15T09:05:00Z')))).toBe(true);
    expect(scheduler.next('a')).toEqual({ due: new Date('2025-01-15T09:05:00Z'), slot: new Date('2025-01-15T09:00:00Z') });
    expect(scheduler.tick(Date.parse('2025-01-15T09:04:00Z'))).toEqual([]);
    expect(scheduler.tick(Date.parse('2025-01-15T09:05:00Z')).map((post) => post.slot.toISOString())).toEqual(['2025-01-15T09:00:00.000Z']);
    expect(scheduler.next('a')).toEqual({ due: new Date('2025-01-16T09:00:00Z'), slot: new Date('2025-01-16T09:00:00Z') });
    // A retry past the 6-hour limit is refused.
    expect(scheduler.retry('a', first!.slot, new Date(Date.parse('2025-01-15T15:01:00Z')))).toBe(false);
  });

  it('GIVEN a handler that throws THEN the tick goes on with the other servers', () => {
    const errors: string[] = [];
    const scheduler = new DailyScheduler({
      onDue: (post) => {
        if (post.guildId === 'bad') throw new Error('boom');
      },
      onError: (guildId) => errors.push(guildId),
    });
    const from = Date.parse('2025-01-15T00:00:00Z');
    for (const guildId of ['bad', 'good']) scheduler.set(guildId, { time: '09:00', timezone: 'UTC', days: every }, from);
    expect(scheduler.tick(Date.parse('2025-01-15T09:00:00Z') + HOUR).map((post) => post.guildId).sort()).toEqual(['bad', 'good']);
    expect(errors).toEqual(['bad']);
  });
});
