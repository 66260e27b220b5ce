import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '@marginalia/loopback';
import { componentsOf, expectCleanRun, startSession, textOf, type Session } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
  for (const name of ['ana', 'ben', 'cleo']) session.lb.world.addMember(session.lb.world.defaultGuild.id, { name });
  // These tests start many polls one after another; the posting cooldown has tests of its own.
  const set = await (await session.lb.driver.slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { cooldown_seconds: 0 } })).reply();
  expect(set.content).toMatch(/cooldown/i);
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const guildId = () => session.lb.world.defaultGuild.id;
const current = (message: MessageRecord) => session.lb.world.message(message.id)!;
const voteId = (message: MessageRecord, option: number) =>
  componentsOf(message).find((c) => c.custom_id?.endsWith(`:${option}`) && c.custom_id.startsWith('poll:vote:'))!.custom_id!;

async function createPoll(options: Record<string, string | boolean>, user = 'admin'): Promise<MessageRecord> {
  const reply = await (await session.lb.driver.slash({ user, name: 'poll', subcommand: 'create', options })).reply();
  expect(reply.ephemeral).toBe(false);
  return reply;
}

async function vote(user: string, message: MessageRecord, option: number): Promise<string> {
  const reply = await (await session.lb.driver.click({ user, message, customId: voteId(message, option) })).reply();
  expect(reply.ephemeral).toBe(true);
  return reply.content ?? '';
}

describe('/poll create and voting', () => {
  it('GIVEN a poll THEN members vote, change and remove votes, each told privately, and the bars follow', async () => {
    const poll = await createPoll({ question: "Is the author's claim supported?", options: 'Yes | No | Partly', duration: '10m' });
    expect(textOf(poll)).toContain("Is the author's claim supported?");
    expect(componentsOf(poll).map((c) => c.label)).toEqual(['Yes', 'No', 'Partly']);
    expect(textOf(poll)).toMatch(/<t:\d+:R>/);

    expect(await vote('ana', poll, 0)).toContain('Recorded your vote for **Yes**');
    expect(await vote('ben', poll, 0)).toContain('Recorded');
    expect(await vote('cleo', poll, 2)).toContain('Recorded');
    expect(await vote('ben', poll, 1)).toContain('Changed your vote from **Yes** to **No**');
    expect(await vote('cleo', poll, 2)).toContain('Removed your vote');
    await expect.poll(() => textOf(current(poll)), { timeout: 5000 }).toMatch(/50% \(1\)[\s\S]*50% \(1\)[\s\S]*0% \(0\)/);
  });

  it('GIVEN bad input THEN one clear sentence each, and mentions ping nobody', async () => {
    const refusal = async (options: Record<string, string>) =>
      (await (await session.lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'create', options })).reply()).content;
    expect(await refusal({ question: 'Q?', options: 'Only one' })).toMatch(/at least 2/i);
    expect(await refusal({ question: 'Q?', options: Array.from({ length: 11 }, (_, i) => `A${i}`).join('|') })).toMatch(/10/);
    expect(await refusal({ question: 'Q?', options: 'Yes | No', duration: 'soon' })).toContain('is not a duration');
    expect(await refusal({ question: 'Q?', options: 'Yes | No', duration: '9d' })).toMatch(/7d|7 days/);
    const poll = await createPoll({ question: '@everyone is <@&1> right?', options: '@here | <@2>' });
    expect(current(poll).pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('GIVEN the creator or a moderator THEN /poll close closes early; a plain member is refused', async () => {
    const poll = await createPoll({ question: 'Close me?', options: 'A | B' }, 'member');
    expect(await vote('ana', poll, 1)).toContain('Recorded');
    const refused = await (await session.lb.driver.slash({ user: 'ana', name: 'poll', subcommand: 'close' })).reply();
    expect(refused.content).toMatch(/creator|Manage Messages/);
    const closed = await (await session.lb.driver.slash({ user: 'member', name: 'poll', subcommand: 'close' })).reply();
    expect(closed.content).toContain('Closed poll');
    await expect.poll(() => componentsOf(current(poll)).every((c) => c.disabled)).toBe(true);
    expect(textOf(current(poll))).toMatch(/B 🏆/);
    const results = session.lb.world.messages(poll.channelId).find((m) => m.reference?.messageId === poll.id);
    expect(results && textOf(results)).toMatch(/B/);
  });

  it('GIVEN a restart in the middle THEN votes are kept, buttons work, and the poll closes by itself on time with the winner marked', async () => {
    const poll = await createPoll({ question: 'Survive a restart?', options: 'Yes | No', duration: '30s' });
    expect(await vote('ana', poll, 0)).toContain('Recorded');
    await session.restart();
    expect(await vote('ben', current(poll), 0)).toContain('Recorded');
    await expect.poll(() => textOf(current(poll)), { timeout: 5000 }).toMatch(/100% \(2\)/);
    await expect.poll(() => componentsOf(current(poll)).every((c) => c.disabled), { timeout: 40_000, interval: 500 }).toBe(true);
    expect(textOf(current(poll))).toMatch(/Yes 🏆/);
  }, 90_000);
});

describe('/poll passage', () => {
  it('GIVEN a reference THEN the passage is quoted and agree / disagree / unsure offered', async () => {
    const reply = await (await session.lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'passage', options: { ref: 'why-putin-interferes:5', duration: '15m' } })).reply();
    expect(textOf(reply)).toContain('Collective Security Treaty Organization');
    expect(componentsOf(reply).map((c) => c.label)).toEqual(['Agree', 'Disagree', 'Unsure']);
  });
});

describe('a busy poll', () => {
  it('GIVEN 1,000 members clicking at once THEN all 1,000 votes count and the message is edited only a few times', async () => {
    const users = Array.from({ length: 1000 }, (_, i) => session.lb.world.addMember(guildId(), { name: `reader${i}` }));
    const poll = await createPoll({ question: 'Crowd?', options: 'Left | Right' });
    const editsBefore = current(poll).edits;
    const runs = await Promise.all(users.map((user, i) => session.lb.driver.click({ user: user.id, message: poll, customId: voteId(poll, i % 2) })));
    const replies = await Promise.all(runs.map((run) => run.reply(20_000)));
    // Clicks sent the moment the poll appears count too: none is told the poll is gone.
    expect(replies.filter((reply) => !reply.content?.startsWith('Recorded')).map((r) => r.content)).toEqual([]);
    await expect.poll(() => textOf(current(poll)), { timeout: 10_000 }).toMatch(/50% \(500\)[\s\S]*50% \(500\)/);
    expect(current(poll).edits - editsBefore).toBeLessThanOrEqual(15);
  }, 90_000);

  it('GIVEN a 429 on the poll message edit THEN the edit is retried after the wait and lands', async () => {
    const poll = await createPoll({ question: 'Rate limited?', options: 'Yes | No' });
    session.lb.faults.inject({ method: 'PATCH', route: /^\/channels\/\d+\/messages\/\d+$/, status: 429, retryAfter: 0.5 });
    await vote('ana', poll, 1);
    await expect.poll(() => textOf(current(poll)), { timeout: 10_000 }).toMatch(/100% \(1\)/);
    expect(session.lb.requests.some((r) => r.status === 429 && r.method === 'PATCH')).toBe(true);
  }, 20_000);
});

describe('the whole run', () => {
  it('GIVEN everything above THEN no limit was broken and nobody was pinged', () => {
    expectCleanRun(session);
  });
});
