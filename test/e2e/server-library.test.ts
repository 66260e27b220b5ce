// SPEC section 10: a server's library in the real bot process, through the loopback: the
// setting `shipped_articles`, and removal of the bot taking the server's added articles along.
import type { OptionValue } from '@marginalia/loopback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';
import { sqliteKeysNaming } from '../helpers/raw-store.js';

let session: Session;
beforeAll(async () => {
  // Global commands, so that every server made below has them.
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const STEPPE = Buffer.from('Notes from the steppe\n\nThe marmots whistle before the rain comes over the hills.\n\nA second paragraph, about yurts.\n', 'utf8');

const run = (server: TestServer, user: string, name: string, subcommand: string | undefined, options: Record<string, OptionValue> = {}) =>
  session.lb.driver.slash({ user, channel: server.channelId, name, ...(subcommand && { subcommand }), options }).then((sent) => sent.reply());

const rowsNaming = (guildId: string) => sqliteKeysNaming(session.storeUrl, guildId);

describe('a server’s library', () => {
  it('GIVEN shipped_articles false THEN the server reads only its added articles, and true shows the shipped ones again', async () => {
    const server = await newServer(session, 'library-hidden');
    expect(textOf(await run(server, server.admin, 'library', 'add', { file: { filename: 'steppe.txt', bytes: STEPPE } }))).toContain('Notes from the steppe');
    const changed = textOf(await run(server, server.admin, 'settings', 'set', { shipped_articles: false }));
    expect(changed).toContain('`shipped_articles`: true → **false**');

    const articles = textOf(await run(server, server.member, 'articles', undefined));
    expect(articles).toContain('Notes from the steppe');
    expect(articles).not.toContain('former-kazakhstan');
    expect(textOf(await run(server, server.member, 'passage', 'search', { query: 'Kazakhstan' }))).toContain('No passage matches');
    expect(textOf(await run(server, server.member, 'passage', 'search', { query: 'marmots' }))).toContain('steppe:1');
    expect(textOf(await run(server, server.member, 'settings', 'show'))).toContain('shipped_articles: false');

    await run(server, server.admin, 'settings', 'set', { shipped_articles: true });
    expect(textOf(await run(server, server.member, 'passage', 'search', { query: 'Kazakhstan' }))).toContain('former-kazakhstan:');
  });

  it('GIVEN the bot removed from a server THEN its added articles leave the store with the rest of its data, and another server keeps its own', async () => {
    const [gone, kept] = [await newServer(session, 'library-gone'), await newServer(session, 'library-kept')];
    for (const server of [gone, kept]) await run(server, server.admin, 'library', 'add', { file: { filename: 'steppe.txt', bytes: STEPPE } });
    const rows = await rowsNaming(gone.guildId);
    expect(rows).toContain(`library:${gone.guildId}`);
    expect(rows).toContain(`library-articles:${gone.guildId}/steppe`);

    session.lb.world.removeBot(gone.guildId);
    await expect.poll(() => rowsNaming(gone.guildId), { timeout: 10_000 }).toEqual([]);
    expect(textOf(await run(kept, kept.member, 'passage', 'search', { query: 'marmots' }))).toContain('steppe:1');
  });

  it('GIVEN all of it THEN no first response was late and nothing broke Discord’s limits', () => {
    expectCleanRun(session);
  });
});
