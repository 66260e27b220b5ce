import { describe, expect, it } from 'vitest';
import { afterPost, afterSkip, daysOf, dueDay, postOf, spanOf } from '../../../src/features/plans/progress.js';
import type { Plan } from '../../../src/features/plans/store.js';

const plan: Plan = { articleId: 'former-kazakhstan', title: 'T', perDay: 2, from: 2, to: 9, day: 0, skipped: [], startedAt: '2025-01-13T01:00:00.000Z', startedBy: '1' };

describe('plan progress', () => {
  it('GIVEN per_day and from THEN the days split the paragraphs in order, the last day shorter', () => {
    expect(daysOf(plan)).toBe(4);
    expect([1, 2, 3, 4].map((day) => spanOf({ ...plan, from: 3 }, day))).toEqual([{ from: 3, to: 4 }, { from: 5, to: 6 }, { from: 7, to: 8 }, { from: 9, to: 9 }]);
  });

  it('GIVEN a post of a date THEN the plan moves once for that date, and the same date shows the same day again', () => {
    const once = afterPost(plan, '2025-01-13', 1);
    expect(once.day).toBe(1);
    expect(afterPost(once, '2025-01-13', 1)).toBe(once);
    expect(dueDay(once, '2025-01-13')).toBe(1);
    expect(dueDay(once, '2025-01-14')).toBe(2);
    expect(dueDay(once)).toBe(2);
  });

  it('GIVEN a skip made while a post was under way THEN the posted day counts as read and the skip as the day after', () => {
    const skipped = afterSkip(plan)!;
    expect(skipped).toMatchObject({ day: 1, skipped: [1] });
    const posted = afterPost(skipped, '2025-01-13', 1);
    expect(posted).toMatchObject({ day: 1, skipped: [] });
  });

  it('GIVEN the last day posted THEN the closing post follows, names what was read and skipped, ends the plan, and nothing is due after', () => {
    let moved: Plan = { ...plan, day: 2, skipped: [2] };
    moved = afterPost(moved, '2025-01-14', 3);
    moved = afterPost(moved, '2025-01-15', 4);
    expect(afterSkip(moved)).toBeUndefined();
    expect(postOf(moved, dueDay(moved, '2025-01-16')!)).toMatchObject({ kind: 'closing', read: [{ from: 2, to: 3 }, { from: 6, to: 9 }], skipped: [{ from: 4, to: 5 }] });
    const ended = afterPost(moved, '2025-01-16', 5);
    expect(ended.endedOn).toBe('2025-01-16');
    expect(dueDay(ended, '2025-01-16')).toBe(5);
    expect(dueDay(ended, '2025-01-17')).toBeUndefined();
    expect(dueDay(ended)).toBeUndefined();
  });
});
