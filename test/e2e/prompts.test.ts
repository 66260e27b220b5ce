import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '@marginalia/loopback';
import { componentsOf, customIdOf, expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
let one: TestServer;
let two: TestServer;
beforeAll(async () => {
  // Global commands, so that both servers of the test see them.
  session = await startSession({ deploy: 'global' });
  one = await newServer(session, 'prompts-one');
  two = await newServer(session, 'prompts-two');
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const prompt = async (server: TestServer, user: string, subcommand: string, options: Record<string, string> = {}) =>
  (await session.lb.driver.slash({ user, channel: server.channelId, name: 'prompt', subcommand, options })).reply();
const click = async (user: string, message: MessageRecord, customId: string, unchecked = false) =>
  (await session.lb.driver.click({ user, message, customId, unchecked })).reply();
const idOf = (text: string) => /`(p-[0-9a-z]+)`/.exec(text)?.[1];

describe('/prompt for members', () => {
  it('GIVEN a plain member THEN add, review and remove are refused naming Manage Server, and nothing is added', async () => {
    for (const [subcommand, options] of [
      ['add', { text: 'Who gains if readers believe this passage?' }],
      ['review', {}],
      ['remove', { id: 'p-1' }],
    ] as const) {
      const refused = await prompt(one, one.member, subcommand, options);
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toContain(`You need the **Manage Server** permission to use \`/prompt ${subcommand}\``);
    }
    expect(textOf(await prompt(one, one.member, 'list'))).toContain('None yet.');
  });

  it('GIVEN a suggestion that is no question or names no passage of the library THEN one sentence', async () => {
    expect((await prompt(one, one.member, 'suggest', { text: 'Discuss this passage.' })).content).toContain('`text` should end with a question mark.');
    expect((await prompt(one, one.member, 'suggest', { text: 'What does this passage leave out?', ref: 'narnia:1' })).content).toContain('There is no article `narnia`');
  });
});

describe('/prompt suggest and review', () => {
  it('GIVEN two suggestions THEN the admin approves one and rejects the other in place, and only the approved one is listed', async () => {
    const approved = 'Which claim in this passage would @everyone check first, and how?';
    const rejected = 'Is this passage boring?';
    expect((await prompt(one, one.member, 'suggest', { text: approved, ref: 'former-kazakhstan:2' })).content).toContain("waits for an admin's review");
    expect((await prompt(one, one.member, 'suggest', { text: rejected })).content).toContain("waits for an admin's review");

    const review = await prompt(one, one.admin, 'review');
    expect(review.ephemeral).toBe(true);
    expect(textOf(review)).toContain('1 of 2 waiting');
    expect(textOf(review)).toContain(approved);
    const afterApprove = await click(one.admin, review, customIdOf(review, /:approve$/));
    expect(afterApprove.id).toBe(review.id);
    expect(textOf(afterApprove)).toMatch(/^Approved `p-[0-9a-z]+`: it joins the rotation\./);
    expect(textOf(afterApprove)).toContain(rejected);
    const afterReject = await click(one.admin, afterApprove, customIdOf(afterApprove, /:reject$/));
    expect(afterReject.content).toMatch(/^Rejected `p-[0-9a-z]+`\. No suggestions are waiting for review\.$/);
    expect(componentsOf(afterReject)).toEqual([]);

    const list = textOf(await prompt(one, one.member, 'list'));
    expect(list).toContain(approved);
    expect(list).toContain('`former-kazakhstan:2`');
    expect(list).not.toContain(rejected);
  });

  it('GIVEN the other server THEN it sees none of these prompts, and a review button of the first server forged there does nothing', async () => {
    expect(textOf(await prompt(two, two.member, 'list'))).toContain('None yet.');
    await prompt(one, one.member, 'suggest', { text: 'What would the author answer to a critic?' });
    const review = await prompt(one, one.admin, 'review');
    const elsewhere = await prompt(two, two.admin, 'review');
    expect(elsewhere.content).toContain('No suggestions are waiting');
    const forged = await click(two.admin, elsewhere, customIdOf(review, /:approve$/), true);
    expect(forged.content).toContain('does not belong to it');
    expect(textOf(await prompt(one, one.admin, 'review'))).toContain('1 of 1 waiting');
    // A member forging an Approve of their own server is refused too.
    const memberList = await prompt(one, one.member, 'list');
    expect((await click(one.member, memberList, customIdOf(review, /:approve$/), true)).content).toContain('**Manage Server**');
    const reject = await click(one.admin, review, customIdOf(review, /:reject$/));
    expect(reject.content).toContain('No suggestions are waiting');
  });

  it('GIVEN /prompt remove THEN the prompt leaves the list', async () => {
    const added = await prompt(one, one.admin, 'add', { text: 'What is missing from this passage, in your view?' });
    const id = idOf(added.content)!;
    expect(textOf(await prompt(one, one.member, 'list'))).toContain(id);
    expect((await prompt(one, one.admin, 'remove', { id })).content).toContain(`Removed prompt \`${id}\``);
    expect(textOf(await prompt(one, one.member, 'list'))).not.toContain(id);
  });
});

describe('a prompt tied to a passage in the daily post', () => {
  it('GIVEN prompts added for the passage of the next quote THEN /daily preview shows one of them with that quote', async () => {
    const preview = async () => (await session.lb.driver.slash({ user: two.admin, channel: two.channelId, name: 'daily', subcommand: 'preview' })).reply();
    const first = await preview();
    const ref = customIdOf(first, /^passage:show:/).slice('passage:show:'.length);
    // The server's seed picks among the passage's tied prompts (the shipped ones first), so add
    // tied prompts until the pick falls on one: every add must reach the next preview at once.
    const added: string[] = [];
    let shown: MessageRecord | undefined;
    for (let n = 1; n <= 8 && !shown; n++) {
      const text = `Case ${n}: what would you ask the author about this passage?`;
      expect((await prompt(two, two.admin, 'add', { text, ref })).content).toContain(`with quotes of \`${ref}\``);
      added.push(text);
      const next = await preview();
      expect(customIdOf(next, /^passage:show:/)).toBe(`passage:show:${ref}`);
      if (added.some((one) => textOf(next).includes(one))) shown = next;
    }
    expect(shown, `none of ${added.length} prompts tied to ${ref} was shown`).toBeDefined();
    expect(textOf(await prompt(one, one.member, 'list'))).not.toContain('Case 1:');
  });

  it('GIVEN the whole run THEN no reply pinged anyone and Discord saw no invalid request', () => {
    expectCleanRun(session);
  });
});
