import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRun, startSession, textOf, type Session } from './harness.js';

// /quote through the real client: who speaks in the interview, and the server's rotation.

let session: Session;
beforeAll(async () => {
  session = await startSession();
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const slash = (input: Parameters<Session['lb']['driver']['slash']>[0]) => session.lb.driver.slash(input);
const quote = async (article: string) => (await slash({ user: 'member', name: 'quote', options: { article } })).reply();
const descriptionOf = (message: { embeds?: unknown[] }) => ((message.embeds ?? [])[0] as { description: string }).description;

describe('/quote', () => {
  it('GIVEN a quote of the interview THEN it says who speaks; GIVEN the column THEN no speaker is claimed', async () => {
    for (let i = 0; i < 6; i++) {
      const reply = await quote('former-kazakhstan');
      expect(reply.ephemeral).toBe(true);
      expect(descriptionOf(reply)).toMatch(/^> .+\n— (?:the editors' standfirst|the journalist|Marat Isenov)$/s);
    }
    expect(descriptionOf(await quote('why-putin-interferes'))).not.toContain('\n— ');
  });

  it('GIVEN the daily post has posted a quote THEN /quote offers others, and the next daily post is not used up', async () => {
    const study = session.lb.world.channels.study!.id;
    await (await slash({ user: 'admin', name: 'daily', subcommand: 'set', options: { channel: study, time: '09:00', thread: false } })).reply();
    const preview = descriptionOf(await (await slash({ user: 'admin', name: 'daily', subcommand: 'preview' })).reply());
    await (await slash({ user: 'admin', name: 'daily', subcommand: 'now' })).reply();
    const posted = session.lb.world.messages(study).find((message) => message.authorId === session.lb.world.bot.id && !message.ephemeral)!;
    expect(descriptionOf(posted)).toBe(preview);
    const previewNext = async () => textOf(await (await slash({ user: 'admin', name: 'daily', subcommand: 'preview' })).reply());
    const next = await previewNext();
    const offered = new Set<string>();
    for (let i = 0; i < 8; i++) offered.add(descriptionOf(await (await slash({ user: 'member', name: 'quote' })).reply()));
    expect(offered.has(descriptionOf(posted))).toBe(false);
    // /quote reads the rotation and never writes it: the next daily post is the same.
    expect(await previewNext()).toBe(next);
    expect(textOf(posted)).toMatch(/Discuss/);
    expectCleanRun(session);
  }, 30_000);
});
