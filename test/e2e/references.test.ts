// SPEC section 14, "References are forgiving": what a new member types at /passage show,
// sent through the real bot process on the loopback Discord.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentsOf, customIdOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const show = async (ref: string) => (await session.lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'show', options: { ref } })).reply();
const complete = async (ref: string) =>
  (await session.lb.driver.autocomplete({ user: 'member', name: 'passage', subcommand: 'show', options: { ref }, focused: 'ref' })).map((choice) => String(choice.value));

describe('forgiving references', () => {
  it('GIVEN `former` typed in autocomplete THEN the paragraphs of former-kazakhstan come first, in order', async () => {
    const values = await complete('former');
    expect(values.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, i) => `former-kazakhstan:${i + 1}`));
    expect(values.filter((value) => value.startsWith('why-putin-interferes'))).toEqual([]);
  });

  it('GIVEN `former-kazakhstan 2` THEN paragraph 2 is shown', async () => {
    const reply = await show('former-kazakhstan 2');
    expect(textOf(reply)).toContain('Marat Isenov, a famous Russian-speaking poet');
    expect(textOf(reply)).toContain('former-kazakhstan:2 · interview');
  });

  it('GIVEN an article id alone THEN its first paragraph, with a menu of its paragraphs that goes to the one picked', async () => {
    const reply = await show('former-kazakhstan');
    expect(textOf(reply)).toContain('former-kazakhstan:1 · interview');
    const menu = componentsOf(reply).find((component) => component.custom_id === 'passage:goto:former-kazakhstan')!;
    expect(menu.options!.map((option) => option.value)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const picked = await (await session.lb.driver.select({ user: 'member', message: reply, customId: menu.custom_id!, values: ['9'] })).reply();
    expect(picked.id).toBe(reply.id);
    expect(textOf(picked)).toContain('The introduction of CSTO troops');
    expect(textOf(picked)).toContain('former-kazakhstan:9 · interview');
  });

  it('GIVEN the first words of a title THEN that article opens at its first paragraph', async () => {
    const reply = await show('why putin');
    expect(textOf(reply)).toContain('Why is Putin interfering in Kazakhstan’s affairs?');
    expect(textOf(reply)).toContain('why-putin-interferes:1 · column');
  });

  it('GIVEN `former-kazakhstan:2-99` THEN autocomplete and the refusal both offer `former-kazakhstan:2-9`', async () => {
    expect(await complete('former-kazakhstan:2-99')).toEqual(['former-kazakhstan:2-9']);
    const reply = await show('former-kazakhstan:2-99');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('`former-kazakhstan` has paragraphs 1 to 9, not 2-99: try `former-kazakhstan:2-9`.');
  });

  it('GIVEN a range cut short THEN Next continues the range, then moves past it', async () => {
    const first = await show('why-putin-interferes:1-7');
    expect(textOf(first)).toContain('This range is longer than one message');
    const shownTo = Number(/showing why-putin-interferes:1-(\d)/.exec(textOf(first))![1]);
    const next = await (await session.lb.driver.click({ user: 'member', message: first, customId: customIdOf(first, /:next$/) })).reply();
    expect(next.id).toBe(first.id);
    expect(textOf(next)).toContain(`**¶${shownTo + 1}**`);
    expect(textOf(next)).toMatch(new RegExp(`why-putin-interferes:${shownTo + 1}-\\d`));
    expect(textOf(next)).not.toContain(`**¶${shownTo}**`);
    expectCleanRun(session);
  });
});
