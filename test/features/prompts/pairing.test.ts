import { afterAll, describe, expect, it } from 'vitest';
import { createServerPrompts } from '../../../src/features/prompts/service.js';
import { shippedLibrary } from '../../../src/library/library.js';
import { choosePrompt, promptTiers, type PromptSet } from '../../../src/library/prompts.js';
import { shippedCorpus, silentLogger, tempStore } from '../../helpers/context.js';

// A server's prompts join the shipped ones in its rotation (what the server library does with forLibrary).
const shelf = await shippedCorpus();
const temp = tempStore();
const prompts = createServerPrompts({ store: temp.store, logger: silentLogger, library: shippedLibrary(shelf), onChange: () => undefined });
afterAll(() => temp.cleanup());

const GUILD = '20000000000000001';
const TIED = 'Which single claim of this passage would you check first, and where?';
const UNTIED = 'What would a reader in Almaty answer to this passage?';
await prompts.add(GUILD, '30000000000000001', { text: TIED, ref: 'former-kazakhstan:2' });
await prompts.add(GUILD, '30000000000000001', { text: UNTIED });
const own = await prompts.forLibrary(GUILD);
const set: PromptSet = { file: shelf.prompts.file, prompts: [...shelf.prompts.prompts, ...own] };
const [tied, untied] = own as [(typeof own)[0], (typeof own)[0]];

describe('a server prompt in the rotation', () => {
  it('GIVEN a prompt tied to a reference THEN it is tied to every quote of that passage and offered with no other', () => {
    const ofPassage = shelf.quotes.filter((quote) => quote.ref === 'former-kazakhstan:2');
    expect(ofPassage.length).toBeGreaterThan(0);
    for (const quote of ofPassage) expect(promptTiers(set, quote, 'critical')[0]).toContain(tied);
    for (const quote of shelf.quotes.filter((other) => other.ref !== 'former-kazakhstan:2')) {
      expect(promptTiers(set, quote, 'mixed').flat()).not.toContain(tied);
    }
  });

  it('GIVEN the shipped tied prompts of its passage recent THEN choosePrompt shows the server prompt with that passage’s quote', () => {
    const quote = shelf.quotes.find((one) => one.ref === 'former-kazakhstan:2')!;
    const shippedTied = promptTiers(shelf.prompts, quote, 'critical')[0]!;
    expect(choosePrompt(set, quote, 'critical', GUILD, { recent: shippedTied.map((prompt) => prompt.id) })).toBe(tied);
    // Recent itself, it makes way for another prompt (no repeat within the rotation's memory).
    expect(choosePrompt(set, quote, 'critical', GUILD, { recent: [...shippedTied.map((prompt) => prompt.id), tied.id] })).not.toBe(tied);
  });

  it('GIVEN a prompt with no reference THEN it joins the general prompts of every quote; the shipped prompts pair as before', () => {
    for (const quote of shelf.quotes.slice(0, 20)) {
      const tiers = promptTiers(set, quote, 'critical');
      expect(tiers[1]).toContain(untied);
      expect(tiers[0]!.filter((prompt) => prompt.server !== true)).toEqual(promptTiers(shelf.prompts, quote, 'critical')[0]);
    }
  });
});
