import { describe, expect, it } from 'vitest';
import { createDeadlines } from '../../../src/features/polls/deadlines.js';
import { manualClock } from './fixtures.js';

describe('createDeadlines', () => {
  it('GIVEN a thousand open polls THEN holds one timer and closes each at its deadline', () => {
    const clock = manualClock();
    const due: string[][] = [];
    const deadlines = createDeadlines(clock, (ids) => due.push(ids));
    for (let i = 0; i < 1000; i += 1) deadlines.set(`p${i}`, clock.now() + 60_000 * (1 + (i % 10)));
    expect(clock.pending).toBe(1);
    clock.advance(60_000);
    expect(due).toHaveLength(1);
    expect(due[0]).toHaveLength(100);
    clock.advance(9 * 60_000);
    expect(due.flat()).toHaveLength(1000);
    expect(clock.pending).toBe(0);
  });

  it('GIVEN the soonest poll closed early THEN re-arms for the next one', () => {
    const clock = manualClock();
    const due: string[] = [];
    const deadlines = createDeadlines(clock, (ids) => due.push(...ids));
    deadlines.set('soon', clock.now() + 1_000);
    deadlines.set('later', clock.now() + 5_000);
    deadlines.delete('soon');
    clock.advance(4_999);
    expect(due).toEqual([]);
    clock.advance(1);
    expect(due).toEqual(['later']);
  });

  it('GIVEN a deadline past the longest timer THEN still fires on time', () => {
    const clock = manualClock();
    const due: string[] = [];
    const deadlines = createDeadlines(clock, (ids) => due.push(...ids));
    deadlines.set('far', clock.now() + 30 * 86_400_000);
    clock.advance(29 * 86_400_000);
    expect(due).toEqual([]);
    clock.advance(86_400_000);
    expect(due).toEqual(['far']);
  });
});
