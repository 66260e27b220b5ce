// SPEC section 10: `/library add`, `remove` and `export` through the loopback, the file attached
// to the command and fetched by the bot from the loopback's CDN.
import type { FileInput, MessageRecord, OptionValue } from '@marginalia/loopback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customIdOf, expectCleanRun, newServer, startSession, textOf, type Session, type TestServer } from './harness.js';

let session: Session;
let first: TestServer;
let second: TestServer;
beforeAll(async () => {
  // Global commands, so that every server made below has them.
  session = await startSession({ deploy: 'global' });
  first = await newServer(session, 'library-one');
  second = await newServer(session, 'library-two');
}, 60_000);
afterAll(async () => {
  await session?.close();
});

// A byte-order mark, Windows line ends and accents: export must give these bytes back as they were.
const READING_SLOWLY = Buffer.from(
  '\uFEFFOn reading slowly\r\n\r\nA palimpsest is a page written over, the old text still showing through.\r\n\r\n' +
    'Read a page twice: once for what it says, once for how it says it — à la lettre.\r\n\r\nSlow reading is a habit of groups more than of people alone.\r\n',
  'utf8',
);

const run = (server: TestServer, user: string, name: string, subcommand: string | undefined, options: Record<string, OptionValue> = {}) =>
  session.lb.driver.slash({ user, channel: server.channelId, name, ...(subcommand && { subcommand }), options }).then((sent) => sent.reply());
const add = (server: TestServer, file: FileInput, options: Record<string, string> = {}, user = server.admin) => run(server, user, 'library', 'add', { file, ...options });
const search = (server: TestServer, query: string) => run(server, server.member, 'passage', 'search', { query });
const articleChoices = (server: TestServer, subcommand: string) =>
  session.lb.driver.autocomplete({ user: server.admin, channel: server.channelId, name: 'library', subcommand, options: { article: '' }, focused: 'article' });

describe('/library: a server’s own articles', () => {
  it('GIVEN an admin adds a .txt THEN the reply shows it as /articles does with its first reference, and that server alone finds it', async () => {
    const reply = await add(first, { filename: 'reading-slowly.txt', bytes: READING_SLOWLY });
    expect(reply.ephemeral).toBe(true);
    const text = textOf(reply);
    expect(text).toContain("Added **On reading slowly** to this server's library");
    expect(text).toContain('`reading-slowly:1`');
    expect(text).toContain('`reading-slowly` · text');
    expect(text).toContain('3 paragraphs');

    expect(textOf(await search(first, 'palimpsest'))).toContain('reading-slowly:1');
    expect(textOf(await search(second, 'palimpsest'))).toContain('No passage matches');
    expect(textOf(await run(first, first.member, 'articles', undefined))).toContain('On reading slowly');
    expect(textOf(await run(second, second.member, 'articles', undefined))).not.toContain('On reading slowly');
    expect((await articleChoices(first, 'export')).map((choice) => choice.value)).toEqual(['reading-slowly']);
    expect(await articleChoices(second, 'remove')).toEqual([]);
  });

  it('GIVEN a .md in the corpus format THEN its front matter names it, and the options win over it', async () => {
    const md = '---\nid: field-notes\ntitle: Field notes\nkind: essay\n---\n\nNotes taken in the archive, by hand.\n';
    expect(textOf(await add(first, { filename: 'notes.md', bytes: md }, { id: 'archive-notes', source: 'a notebook' }))).toContain('`archive-notes` · essay\nsource: a notebook');
    expect(textOf(await run(first, first.member, 'passage', 'show', { ref: 'archive-notes:1' }))).toContain('Notes taken in the archive');
  });

  it.each<[string, FileInput, Record<string, string>, string]>([
    ['bytes that are not UTF-8', { filename: 'latin.txt', bytes: new Uint8Array([0x54, 0xe9, 0x0a, 0x0a, 0x74]) }, {}, '`latin.txt` is not UTF-8 text'],
    ['binary data', { filename: 'data.txt', bytes: new Uint8Array([0x41, 0x00, 0x42]) }, {}, '`data.txt` holds binary data'],
    ['an empty file', { filename: 'empty.txt', bytes: '\n \n' }, {}, '`empty.txt` is empty'],
    ['more than 2,000 paragraphs', { filename: 'many.txt', bytes: `Many\n\n${'p\n\n'.repeat(2001)}` }, {}, '`many.txt` has 2001 paragraphs, more than 2000'],
    ['invalid front matter', { filename: 'bad.md', bytes: '---\nid: bad\ntitle: Bad\n---\n\nText.\n' }, {}, '`bad.md` cannot be added: front matter field "kind" is missing.'],
    ['a file that is neither .md nor .txt', { filename: 'scan.pdf', bytes: '%PDF-1.4' }, {}, '`scan.pdf` is neither a `.md` nor a `.txt` file'],
    ['an id that is not a slug', { filename: 'ok.txt', bytes: 'Title\n\nText.' }, { id: 'Not A Slug' }, '`id` should be a lowercase slug like "my-article".'],
    ['the id of a shipped article', { filename: 'ok.txt', bytes: 'Title\n\nText.' }, { id: 'former-kazakhstan' }, '`former-kazakhstan` is the id of an article Marginalia ships with'],
    ['an id already in the library', { filename: 'reading-slowly.txt', bytes: 'Again\n\nText.' }, {}, 'This server already has an article `reading-slowly`'],
  ])('GIVEN %s THEN one sentence names the problem and nothing is stored', async (_, file, options, expected) => {
    const reply = await add(first, file, options);
    expect(textOf(reply)).toContain(expected);
    expect(reply.embeds).toEqual([]);
    expect((await articleChoices(first, 'export')).map((choice) => choice.value)).toEqual(['reading-slowly', 'archive-notes']);
  });

  it('GIVEN a file over 1 MB, or neither .md nor .txt THEN it is refused without being fetched', async () => {
    const reply = await add(first, { filename: 'big.txt', bytes: `Big\n\n${'a'.repeat(2 ** 20)}` });
    expect(textOf(reply)).toBe('`big.txt` is over 1 MB: split the article into smaller files.');
    const downloads = (filename: string) => [...session.lb.world.uploadsById.values()].find((file) => file.filename === filename)?.downloads;
    expect(downloads('big.txt')).toBe(0);
    expect(downloads('scan.pdf')).toBe(0);
    expect(downloads('reading-slowly.txt')).toBe(1);
  });

  it('GIVEN 50 added articles THEN a 51st is refused', async () => {
    const full = await newServer(session, 'library-full');
    for (let n = 1; n <= 50; n++) expect(textOf(await add(full, { filename: `part-${n}.txt`, bytes: `Part ${n}\n\nText of part ${n}.` }))).toContain(`part-${n}:1`);
    expect(textOf(await add(full, { filename: 'part-51.txt', bytes: 'Part 51\n\nText.' }))).toContain('This server has 50 added articles, the most it keeps');
  }, 60_000);

  it('GIVEN a member without Manage Server THEN add and remove are refused, and export gives the stored file back byte for byte', async () => {
    expect(textOf(await add(first, { filename: 'mine.txt', bytes: 'Mine\n\nText.' }, {}, first.member))).toContain('You need the **Manage Server** permission to use `/library add`');
    expect(textOf(await run(first, first.member, 'library', 'remove', { article: 'reading-slowly' }))).toContain('You need the **Manage Server** permission to use `/library remove`');
    const exported = await run(first, first.member, 'library', 'export', { article: 'reading-slowly' });
    expect(exported.attachments).toHaveLength(1);
    expect(exported.attachments[0]!.filename).toBe('reading-slowly.txt');
    expect(Buffer.from(exported.attachments[0]!.bytes).equals(READING_SLOWLY)).toBe(true);
    expect(textOf(await run(second, second.member, 'library', 'export', { article: 'reading-slowly' }))).toContain('This server has added no article `reading-slowly`');
  });

  it('GIVEN /library remove THEN a button confirms it, for that admin and server only, and afterwards its references answer clearly', async () => {
    const asked = await run(first, first.admin, 'library', 'remove', { article: 'reading-slowly' });
    expect(textOf(asked)).toContain('Remove **On reading slowly** (`reading-slowly`)');
    const removeButton = customIdOf(asked, /^library:rm:/);
    // Nothing is removed until the click.
    expect(textOf(await search(first, 'palimpsest'))).toContain('reading-slowly:1');

    // The same button sent from another server (an altered client) removes nothing.
    const elsewhere = await run(second, second.admin, 'library', 'export', { article: 'nothing-here' });
    const forged = await (await session.lb.driver.click({ user: second.admin, message: elsewhere, customId: removeButton, unchecked: true })).reply();
    expect(textOf(forged)).toContain('This button belongs to another member or server');

    const clicked = await session.lb.driver.click({ user: first.admin, message: asked, customId: removeButton });
    const removed: MessageRecord = await clicked.reply();
    expect(textOf(removed)).toBe("Removed `reading-slowly` from this server's library.");
    expect(removed.components).toEqual([]);
    expect(textOf(await run(first, first.member, 'passage', 'show', { ref: 'reading-slowly:2' }))).toContain('There is no article `reading-slowly`');
    expect(textOf(await search(first, 'palimpsest'))).toContain('No passage matches');
    expect((await articleChoices(first, 'remove')).map((choice) => choice.value)).toEqual(['archive-notes']);
    expectCleanRun(session);
  });
});
