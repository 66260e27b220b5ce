import { describe, expect, it } from 'vitest';
import { createEditCoalescer } from '../../../src/features/polls/edit-coalescer.js';
import { manualClock } from './fixtures.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createEditCoalescer', () => {
  it('GIVEN a vote every 10 ms for 5 s THEN edits about once a second, the last one after the last vote', async () => {
    const clock = manualClock();
    const edits: number[] = [];
    const coalescer = createEditCoalescer(async () => void edits.push(clock.now()), clock, 1_000);
    const start = clock.now();
    for (let i = 0; i < 500; i += 1) {
      coalescer.request('p1');
      clock.advance(10);
      await settle();
    }
    clock.advance(1_000);
    await settle();
    expect(edits.length).toBeGreaterThanOrEqual(5);
    expect(edits.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < edits.length; i += 1) expect(edits[i]! - edits[i - 1]!).toBeGreaterThanOrEqual(1_000);
    expect(edits.at(-1)!).toBeGreaterThanOrEqual(start + 4_990);
  });

  it('GIVEN one poll busy THEN another poll is edited on its own schedule', async () => {
    const clock = manualClock();
    const edits: string[] = [];
    const coalescer = createEditCoalescer(async (id) => void edits.push(id), clock, 1_000);
    coalescer.request('a');
    clock.advance(0);
    await settle();
    coalescer.request('a');
    coalescer.request('b');
    clock.advance(0);
    expect(edits).toEqual(['a', 'b']);
    await settle();
    clock.advance(999);
    expect(edits).toEqual(['a', 'b']);
    clock.advance(1);
    expect(edits).toEqual(['a', 'b', 'a']);
  });

  it('GIVEN an edit in flight THEN finish waits for it and makes one final edit at once', async () => {
    const clock = manualClock();
    const log: string[] = [];
    let release!: () => void;
    const coalescer = createEditCoalescer(
      async () => {
        log.push('edit');
        if (log.length === 1) await new Promise<void>((resolve) => (release = resolve));
        log.push('done');
      },
      clock,
      1_000,
    );
    coalescer.request('p');
    clock.advance(0);
    coalescer.request('p');
    const finished = coalescer.finish('p');
    await settle();
    expect(log).toEqual(['edit']);
    release();
    await finished;
    expect(log).toEqual(['edit', 'done', 'edit', 'done']);
    clock.advance(5_000);
    expect(clock.pending).toBe(0);
  });

  it('GIVEN an edit that fails THEN later requests still edit', async () => {
    const clock = manualClock();
    let calls = 0;
    const coalescer = createEditCoalescer(
      async () => {
        calls += 1;
        throw new Error('429');
      },
      clock,
      1_000,
    );
    coalescer.request('p');
    clock.advance(0);
    await settle();
    coalescer.request('p');
    clock.advance(1_000);
    await settle();
    expect(calls).toBe(2);
  });
});
