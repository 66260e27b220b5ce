import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { parsePollInput } from '../../../src/features/polls/input.js';

const base = { question: 'Is the author’s claim supported?', options: 'Yes | No | Partly' };

function refusal(raw: Parameters<typeof parsePollInput>[0]): string {
  try {
    parsePollInput(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected the input to be refused');
}

describe('parsePollInput', () => {
  it('GIVEN answers separated by | THEN trims them and applies the defaults', () => {
    expect(parsePollInput(base)).toEqual({
      question: 'Is the author’s claim supported?',
      options: ['Yes', 'No', 'Partly'],
      duration: 15 * 60_000,
      multiple: false,
      anonymous: false,
    });
  });

  it.each([
    ['Yes', /at least 2 answers/],
    [Array.from({ length: 11 }, (_, i) => `Answer ${i + 1}`).join(' | '), /at most 10 answers; you gave 11/],
    ['Yes |  | No', /Answer 2 is empty/],
    ['Yes |', /Answer 2 is empty/],
    [`Yes | ${'x'.repeat(81)}`, /Answer 2 is 81 characters long; an answer can be at most 80/],
    ['Yes | No | yes', /`yes` is given twice/],
  ])('GIVEN options %j THEN refuses with one sentence', (options, message) => {
    const text = refusal({ ...base, options });
    expect(text).toMatch(message);
    expect(text.trim().split(/(?<=[.!?])\s+/)).toHaveLength(1);
  });

  it('GIVEN answers with line breaks THEN each becomes one line (a button label, quoted in one-line notices)', () => {
    expect(parsePollInput({ ...base, options: 'Yes\n  really | No\n' }).options).toEqual(['Yes really', 'No']);
  });

  it('GIVEN 10 answers of 80 characters THEN accepts them', () => {
    const options = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(80, 'x'));
    expect(parsePollInput({ ...base, options: options.join('|') }).options).toEqual(options);
  });

  it('GIVEN a question of 301 characters THEN refuses it; 300 is fine', () => {
    expect(refusal({ ...base, question: 'q'.repeat(301) })).toMatch(/at most 300 characters/);
    expect(parsePollInput({ ...base, question: 'q'.repeat(300) }).question).toHaveLength(300);
  });

  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['30s', 30_000],
    ['7d', 7 * 86_400_000],
    [' 2H ', 7_200_000],
  ])('GIVEN duration %j THEN it lasts %i ms', (duration, ms) => {
    expect(parsePollInput({ ...base, duration }).duration).toBe(ms);
  });

  it.each([
    ['0s', /at least 30 seconds, so `0s` is too short/],
    ['29s', /too short/],
    ['9d', /at most 7 days, so `9d` is too long/],
    ['soon', /`soon` is not a duration: write a number and a unit/],
    ['1.5h', /not a duration/],
  ])('GIVEN duration %j THEN refuses with one clear sentence', (duration, message) => {
    expect(refusal({ ...base, duration })).toMatch(message);
  });
});
