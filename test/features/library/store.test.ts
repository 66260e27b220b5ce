import { afterAll, describe, expect, it } from 'vitest';
import { createAddedArticles, MAX_ADDED_ARTICLES, type AddedArticle } from '../../../src/features/library/store.js';
import { UserError } from '../../../src/lib/errors.js';
import { silentLogger, tempStore } from '../../helpers/context.js';

const temp = tempStore();
afterAll(() => temp.cleanup());
const articles = createAddedArticles(temp.store, silentLogger);

let guilds = 0;
const nextGuild = () => `3000000000000000${String(++guilds).padStart(2, '0')}`;
const ADMIN = '40000000000000000';

/** A .txt upload whose id comes from its file name. */
function upload(name: string, text = `${name} itself\n\nA paragraph about ${name}.\n`): AddedArticle {
  return { filename: `${name}.txt`, text, addedAt: '2026-12-02T08:00:00.000Z', addedBy: ADMIN };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

async function quarantined(): Promise<unknown[]> {
  const aside: unknown[] = [];
  for await (const [, record] of temp.store.namespace('quarantine').entries()) aside.push(record);
  return aside;
}

describe('added articles on a real SQLite file', () => {
  it('GIVEN articles added THEN they are listed in the order added, as given, and read back one by one', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload('steppe'));
    await articles.add(guildId, { ...upload('rivers'), id: 'big-rivers', title: 'Big rivers', kind: 'essay', source: 'a notebook' });
    expect(await articles.list(guildId)).toEqual([upload('steppe'), { ...upload('rivers'), id: 'big-rivers', title: 'Big rivers', kind: 'essay', source: 'a notebook' }]);
    expect(await articles.get(guildId, 'big-rivers')).toMatchObject({ filename: 'rivers.txt', id: 'big-rivers' });
    expect(await articles.get(guildId, 'rivers')).toBeUndefined();
  });

  it('GIVEN an article of one server THEN another server neither lists nor gets it, and may add the same id', async () => {
    const [one, other] = [nextGuild(), nextGuild()];
    await articles.add(one, upload('steppe'));
    expect(await articles.list(other)).toEqual([]);
    expect(await articles.get(other, 'steppe')).toBeUndefined();
    await articles.add(other, upload('steppe', 'Other steppe\n\nTheir own text.\n'));
    expect((await articles.get(one, 'steppe'))?.text).toContain('A paragraph about steppe.');
    expect((await articles.get(other, 'steppe'))?.text).toContain('Their own text.');
  });

  it('GIVEN an id already added THEN the second is refused and the first kept', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload('steppe'));
    expect(await refusal(articles.add(guildId, upload('steppe', 'Another\n\nText.\n')))).toMatch(/already has an article `steppe`/);
    expect((await articles.list(guildId)).map((article) => article.text)).toEqual([upload('steppe').text]);
  });

  it(`GIVEN ${MAX_ADDED_ARTICLES} added articles THEN one more is refused until one is removed`, async () => {
    const guildId = nextGuild();
    for (let n = 1; n <= MAX_ADDED_ARTICLES; n++) await articles.add(guildId, upload(`article-${n}`));
    expect(await refusal(articles.add(guildId, upload('one-more')))).toBe(`This server has ${MAX_ADDED_ARTICLES} added articles, the most it keeps: remove one with \`/library remove\` first.`);
    expect(await articles.remove(guildId, 'article-7')).toBe(true);
    await articles.add(guildId, upload('one-more'));
    expect((await articles.list(guildId)).at(-1)?.filename).toBe('one-more.txt');
  });

  it('GIVEN a removal THEN the article is gone, and removing it again says there was none', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload('steppe'));
    await articles.add(guildId, upload('rivers'));
    expect(await articles.remove(guildId, 'steppe')).toBe(true);
    expect(await articles.remove(guildId, 'steppe')).toBe(false);
    expect((await articles.list(guildId)).map((article) => article.filename)).toEqual(['rivers.txt']);
    expect(await articles.get(guildId, 'steppe')).toBeUndefined();
    expect(await temp.store.namespace('library-articles').get(`${guildId}/steppe`)).toBeUndefined();
  });

  it('GIVEN the bot removed from a server THEN its articles go, one an interrupted add left behind too, and no other server loses any', async () => {
    const [gone, kept] = [nextGuild(), nextGuild()];
    await articles.add(gone, upload('steppe'));
    await articles.add(kept, upload('steppe'));
    // Written, but the index write that names it never happened.
    await temp.store.namespace('library-articles').set(`${gone}/orphan`, upload('orphan'));
    await articles.forgetGuild(gone);
    expect(await articles.list(gone)).toEqual([]);
    expect(await temp.store.namespace('library-articles').get(`${gone}/steppe`)).toBeUndefined();
    expect(await temp.store.namespace('library-articles').get(`${gone}/orphan`)).toBeUndefined();
    expect((await articles.list(kept)).map((article) => article.filename)).toEqual(['steppe.txt']);
  });

  it('GIVEN an unreadable article record THEN it is set aside in quarantine and the others are listed', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload('steppe'));
    await articles.add(guildId, upload('rivers'));
    await temp.store.namespace('library-articles').set(`${guildId}/steppe`, { filename: 'steppe.txt', text: 42 });
    expect((await articles.list(guildId)).map((article) => article.filename)).toEqual(['rivers.txt']);
    expect(await quarantined()).toContainEqual(expect.objectContaining({ namespace: 'library-articles', key: `${guildId}/steppe` }));
    // Its id is free again: the article can be added anew.
    await articles.add(guildId, upload('steppe'));
    expect((await articles.list(guildId)).map((article) => article.filename)).toEqual(['rivers.txt', 'steppe.txt']);
  });

  it('GIVEN an unreadable index record THEN it is set aside, the server starts over, and other servers are untouched', async () => {
    const [broken, fine] = [nextGuild(), nextGuild()];
    await articles.add(broken, upload('steppe'));
    await articles.add(fine, upload('steppe'));
    await temp.store.namespace('library').set(broken, { ids: 'steppe' });
    expect(await articles.list(broken)).toEqual([]);
    expect(await quarantined()).toContainEqual(expect.objectContaining({ namespace: 'library', key: broken }));
    expect(await articles.list(fine)).toHaveLength(1);
    await articles.add(broken, upload('steppe'));
    expect(await articles.list(broken)).toHaveLength(1);
  });

  it('GIVEN a file that does not parse THEN add refuses it with its sentence and stores nothing', async () => {
    const guildId = nextGuild();
    expect(await refusal(articles.add(guildId, { ...upload('steppe'), filename: 'steppe.pdf' }))).toMatch(/is neither a `.md` nor a `.txt` file/);
    expect(await articles.list(guildId)).toEqual([]);
  });
});
