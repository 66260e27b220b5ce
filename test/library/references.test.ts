import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/lib/errors.js';
import { resolveReference } from '../../src/library/references.js';
import { shippedCorpus } from '../helpers/context.js';

const { corpus } = await shippedCorpus();

function refusal(input: string): string {
  try {
    resolveReference(corpus, input);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe('passage references', () => {
  it('GIVEN every paragraph reference THEN it resolves to that paragraph', () => {
    for (const passage of corpus.passages) {
      expect(resolveReference(corpus, passage.ref).passages).toEqual([passage]);
    }
  });

  it('GIVEN a range, spaces or an en dash THEN the paragraphs in between come back', () => {
    expect(resolveReference(corpus, 'why-putin-interferes:2-3').passages.map((p) => p.paragraph)).toEqual([2, 3]);
    expect(resolveReference(corpus, ' Former-Kazakhstan : 4 – 6 ').passages.map((p) => p.ref)).toEqual([
      'former-kazakhstan:4',
      'former-kazakhstan:5',
      'former-kazakhstan:6',
    ]);
  });

  it('GIVEN a paragraph past the end THEN the message names the valid range and the nearest reference', () => {
    const message = refusal('former-kazakhstan:99');
    expect(message).toContain('paragraphs 1 to 9');
    expect(message).toContain('`former-kazakhstan:9`');
  });

  it('GIVEN nonsense THEN the message explains the shape and gives an example reference', () => {
    const message = refusal('nonsense');
    expect(message).toContain('`<article>:<paragraph>`');
    expect(message).toMatch(/`(former-kazakhstan|why-putin-interferes):1`/);
  });

  it('GIVEN a misspelled article THEN the nearest article id is suggested', () => {
    expect(refusal('former-kazakstan:2')).toContain('Did you mean `former-kazakhstan:2`?');
  });

  it('GIVEN a backwards range or paragraph 0 THEN it is refused with a corrected reference', () => {
    expect(refusal('why-putin-interferes:3-2')).toContain('`why-putin-interferes:2-3`');
    expect(refusal('why-putin-interferes:0')).toContain('paragraphs 1 to 7');
  });
});
