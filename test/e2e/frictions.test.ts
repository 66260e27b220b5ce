import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '@marginalia/loopback';
import { componentsOf, expectCleanRun, startSession, type Session } from './harness.js';

// What a newcomer met on the way (issue 12): timezones as people type them, /daily off and
// back on without retyping, and a poll that reads as its question.
let session: Session;
beforeAll(async () => {
  session = await startSession();
  for (const name of ['ana', 'ben', 'cleo']) session.lb.world.addMember(session.lb.world.defaultGuild.id, { name });
  // Several polls one after another; the posting cooldown has tests of its own.
  await (await session.lb.driver.slash({ user: 'admin', name: 'settings', subcommand: 'set', options: { cooldown_seconds: 0 } })).reply();
}, 60_000);
afterAll(async () => {
  await session?.close();
});

type Embed = { title?: string; description?: string; footer?: { text: string }; fields?: Array<{ name: string; value: string }> };
const embedOf = (message: MessageRecord) => (message.embeds as Embed[])[0]!;
const field = (message: MessageRecord, name: string) => embedOf(message).fields?.find((f) => f.name === name)?.value;
const daily = async (subcommand: string, options: Record<string, string | boolean> = {}) =>
  (await session.lb.driver.slash({ user: 'admin', name: 'daily', subcommand, options })).reply();
const study = () => session.lb.world.channels.study!.id;

describe('timezones as people type them', () => {
  it('GIVEN a first /daily set with a time and `alma` typed, no channel THEN it is read as Asia/Almaty, posts to this channel, and the reply labels the next post once', async () => {
    const set = await daily('set', { time: '09:00', timezone: 'alma', days: 'weekdays' });
    expect(set.content).toMatch(/^The daily post is set\. \*\*Next post:\*\* \w+day \d+ \w+ \d{4}, 09:00 \(Asia\/Almaty\), that is <t:\d+:f> your time \(<t:\d+:R>\)\.\n`alma` is read as \*\*Asia\/Almaty\*\*\.$/);
    expect(field(set, 'Time')).toBe('09:00 Asia/Almaty');
    expect(field(set, 'Channel')).toBe(`<#${study()}>`);
    expect(field(set, 'Next post')).toBeUndefined();
  });

  it('GIVEN `timezone:EST` alone THEN only the zone changes, to America/New_York', async () => {
    const set = await daily('set', { timezone: 'EST' });
    expect(set.content).toContain('`EST` is read as **America/New_York**.');
    expect(field(set, 'Time')).toBe('09:00 America/New_York');
    expect(field(set, 'Days')).toBe('weekdays');
  });

  it('GIVEN an offset THEN a fixed-offset zone, stated as such in autocomplete', async () => {
    expect(field(await daily('set', { timezone: 'UTC+5' }), 'Time')).toBe('09:00 UTC+5');
    const choices = await session.lb.driver.autocomplete({ user: 'admin', name: 'daily', subcommand: 'set', options: { timezone: 'UTC+5' }, focused: 'timezone' });
    expect(choices[0]).toEqual({ name: 'UTC+5 (fixed offset, no daylight saving)', value: 'UTC+5' });
  });

  it('GIVEN `EST` or `PST` being typed THEN autocomplete offers the zone people mean first', async () => {
    const first = async (typed: string) =>
      (await session.lb.driver.autocomplete({ user: 'admin', name: 'daily', subcommand: 'set', options: { timezone: typed }, focused: 'timezone' }))[0]?.value;
    expect(await first('EST')).toBe('America/New_York');
    expect(await first('PST')).toBe('America/Los_Angeles');
    expect(await first('alma')).toBe('Asia/Almaty');
  });

  it('GIVEN a prefix of several zones THEN one sentence naming some', async () => {
    const reply = await daily('set', { timezone: 'new' });
    expect(reply.content).toBe('`new` fits 2 timezones (`America/New_York`, `America/North_Dakota/New_Salem`): pick one from the list.');
  });
});

describe('/daily off and back on', () => {
  it('GIVEN /daily off THEN the setup is kept and shown as off, and /daily now refuses', async () => {
    expect((await daily('off')).content).toMatch(/^The daily post is off; its setup is kept\. `\/daily set` with no options turns it back on/);
    const status = await daily('status');
    expect(embedOf(status).title).toBe('Daily post (off)');
    expect(field(status, 'Time')).toBe('09:00 UTC+5');
    expect(field(status, 'Next post')).toBeUndefined();
    expect((await daily('now')).content).toBe('The daily post is off: `/daily set` turns it back on, with its channel and time as they were.');
  });

  it('GIVEN /daily set with no options THEN the same setup runs again', async () => {
    const set = await daily('set');
    expect(set.content).toMatch(/^The daily post is set\. \*\*Next post:\*\* .*09:00 \(UTC\+5\)/);
    const status = await daily('status');
    expect(embedOf(status).title).toBe('Daily post');
    expect(field(status, 'Channel')).toBe(`<#${study()}>`);
    expect(field(status, 'Days')).toBe('weekdays');
    expect(field(status, 'Next post')).toMatch(/09:00 \(UTC\+5\)/);
  });
});

describe('the poll message', () => {
  const voteOn = async (user: string, poll: MessageRecord, option: number) =>
    (await session.lb.driver.click({ user, message: poll, customId: componentsOf(poll).find((c) => c.custom_id?.endsWith(`:${option}`))!.custom_id! })).reply();

  it('GIVEN a multi-answer poll THEN the question is the title, no id shows, the shares are said to be of the voters, and the results reply quotes a message with text', async () => {
    const poll = await (
      await session.lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'create', options: { question: 'Which voices are missing from both texts?', options: 'Workers | Officials | Students', multiple: true } })
    ).reply();
    const pollId = /^poll:vote:([a-z0-9]+):/.exec(componentsOf(poll)[0]!.custom_id!)![1]!;
    expect(embedOf(poll).title).toBe('Which voices are missing from both texts?');
    expect(poll.content).toBe(`📊 **Poll** by <@${session.lb.world.users.admin!.id}> · vote with the buttons below`);
    expect(JSON.stringify(poll.embeds)).not.toContain(pollId);

    await voteOn('ana', poll, 0);
    await voteOn('ana', poll, 2);
    await voteOn('ben', poll, 0);
    const current = () => session.lb.world.message(poll.id)!;
    await expect.poll(() => embedOf(current()).description, { timeout: 5000 }).toContain('*% of 2 voters; each could choose several answers.*');
    expect(embedOf(current()).description).toMatch(/██████████ 100% \(2\)[\s\S]*░░░░░░░░░░ 0% \(0\)[\s\S]*█████░░░░░ 50% \(1\)/);
    expect(embedOf(current()).footer!.text).toBe('2 voters · several answers each · only counts are shown');

    await (await session.lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'close' })).reply();
    await expect.poll(() => session.lb.world.messages(poll.channelId).find((m) => m.reference?.messageId === poll.id), { timeout: 5000 }).toBeDefined();
    // Discord previews the quoted poll message by its text: without any it reads "Click to see attachment".
    expect(current().content).toBe(`📊 **Poll closed** · final results below · started by <@${session.lb.world.users.admin!.id}>`);
    expect(embedOf(current()).title).toBe('Which voices are missing from both texts?');
  });

  it('GIVEN a question longer than a title THEN the title is cut at a word and the description gives it whole', async () => {
    const question = `${'Is the account of the January events in the interview fairer than the one in the column, '.repeat(3)}and why?`;
    expect(question.length).toBeGreaterThan(256);
    const poll = await (await session.lb.driver.slash({ user: 'ana', name: 'poll', subcommand: 'create', options: { question, options: 'Yes | No' } })).reply();
    expect(embedOf(poll).title!.length).toBeLessThanOrEqual(256);
    expect(embedOf(poll).title!.endsWith('…')).toBe(true);
    expect(embedOf(poll).description!.split('\n')[0]).toBe(question);
  });

  it('GIVEN everything above THEN no limit was broken and nothing pinged', () => {
    expectCleanRun(session);
  });
});
