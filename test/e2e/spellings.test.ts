import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
let first: TestServer;
let second: TestServer;
beforeAll(async () => {
  // Global commands, so that both servers made below have them.
  session = await startSession({ deploy: 'global' });
  first = await newServer(session, 'spellings-one');
  second = await newServer(session, 'spellings-two');
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const slash = (server: TestServer, user: string, subcommand: string, options: Record<string, string> = {}, name = 'spelling') =>
  session.lb.driver.slash({ user, channel: server.channelId, name, subcommand, options }).then((run) => run.reply());
const search = (server: TestServer, query: string) => slash(server, server.member, 'search', { query }, 'passage');

describe('/spelling: a server’s own other spellings', () => {
  it('GIVEN the shipped list THEN Almaty finds the passage on Alma-Ata, and a Cyrillic query is told the texts are English', async () => {
    expect(textOf(await search(first, 'Almaty'))).toContain('former-kazakhstan:5');
    expect(textOf(await search(first, 'Казахстан'))).toContain('The articles are in English');
  });

  it('GIVEN a member without Manage Server THEN add is refused and list is open', async () => {
    expect(textOf(await slash(first, first.member, 'add', { form: 'cosmodrome', other: 'Baikonur' }))).toContain('Manage Server');
    const list = await slash(first, first.member, 'list');
    expect(list.ephemeral).toBe(true);
    expect(textOf(list)).toContain('None yet');
    expect(textOf(list)).toContain('Alma-Ata');
  });

  it('GIVEN an admin adds cosmodrome = Baikonur THEN that server finds it, the other server does not', async () => {
    expect(textOf(await search(first, 'cosmodrome'))).toContain('No passage matches');
    const added = await slash(first, first.admin, 'add', { form: 'cosmodrome', other: 'Baikonur' });
    expect(textOf(added)).toContain('`cosmodrome`, `Baikonur`');
    expect(textOf(await search(first, 'cosmodrome'))).toContain('why-putin-interferes:4');
    expect(textOf(await search(second, 'cosmodrome'))).toContain('No passage matches');
    expect(textOf(await slash(first, first.member, 'list'))).toContain('`cosmodrome`, `Baikonur`');
  });

  it('GIVEN a bad form THEN one clear sentence', async () => {
    expect(textOf(await slash(first, first.admin, 'add', { form: 'the', other: 'of' }))).toContain('has only common words');
    expect(textOf(await slash(first, first.admin, 'add', { form: 'Saint-Just', other: 'Saint Just' }))).toContain('reads as the same word');
    expect(textOf(await slash(first, first.admin, 'remove', { form: 'Narnia' }))).toContain("is not one of this server's own spellings");
  });

  it('GIVEN remove THEN the server’s search no longer finds it', async () => {
    expect(textOf(await slash(first, first.admin, 'remove', { form: 'cosmodrome' }))).toContain('no longer one of this server');
    expect(textOf(await search(first, 'cosmodrome'))).toContain('No passage matches');
    expectCleanRun(session);
  });
});
