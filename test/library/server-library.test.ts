import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { nextInRotation } from '../../src/features/daily/rotation.js';
import { createAddedArticles, type AddedArticle } from '../../src/features/library/store.js';
import { UserError } from '../../src/lib/errors.js';
import { createSettingsService } from '../../src/features/settings/service.js';
import { StoreUnavailable } from '../../src/lib/store.js';
import { PROMPT_STYLE_CHOICES, promptTiers, type Prompt } from '../../src/library/prompts.js';
import { createServerLibrary, type ServerLibraryDeps } from '../../src/library/server-library.js';
import { libContext, shippedCorpus, silentLogger, tempStore } from '../helpers/context.js';

const ctx = await libContext();
const temp = tempStore();
afterAll(async () => {
  await ctx.cleanup();
  await temp.cleanup();
});
const shipped = await shippedCorpus();
const articles = createAddedArticles(temp.store, silentLogger);
const settings = createSettingsService({ store: temp.store, logger: silentLogger });

let guilds = 0;
const nextGuild = () => `5000000000000000${String(++guilds).padStart(2, '0')}`;
const ADMIN = '40000000000000000';

/** A .txt article about quokkas (a word no shipped article has), with a sentence that mentions Kazakhstan. */
const QUOKKAS = [
  'Quokkas of the island',
  '',
  'Quokkas live on a small island off the coast of Western Australia. They are famous for their wide, friendly faces.',
  '',
  'A traveller from Kazakhstan once counted quokkas on the island for a whole week. The count came to almost ten thousand animals.',
  '',
  'Visitors must not feed them bread, which makes them ill.',
  '',
].join('\n');

const upload = (filename = 'quokkas.txt', text = QUOKKAS): AddedArticle => ({ filename, text, addedAt: '2026-12-02T08:00:00.000Z', addedBy: ADMIN });

const ownPrompt = (id: string): Prompt => ({ number: 1, id, text: 'What would you ask the traveller who counted them?', style: 'critical', refs: [] });

/** A server library on the test's store, with the server prompts of `prompts` and the build count of each server. */
function library(options: { cacheBytes?: number; prompts?: Map<string, Prompt[]>; logger?: ServerLibraryDeps['logger'] } = {}) {
  const builds: string[] = [];
  const own = options.prompts ?? new Map<string, Prompt[]>();
  const served = createServerLibrary({
    shipped,
    articles: {
      list: (guildId) => {
        builds.push(guildId);
        return articles.list(guildId);
      },
    },
    prompts: { forLibrary: async (guildId) => own.get(guildId) ?? [] },
    settings,
    cacheBytes: options.cacheBytes ?? 64 * 2 ** 20,
    logger: options.logger ?? silentLogger,
  });
  return { served, builds };
}

describe('a server library', () => {
  it('GIVEN a server with nothing of its own THEN it reads the shipped library itself, not a copy', async () => {
    const { served } = library();
    expect(await served.forGuild(nextGuild())).toBe(shipped);
  });

  it("GIVEN an article added in server A THEN A's corpus, search, quotes and autocomplete have it, and B's none of them", async () => {
    const [a, b] = [nextGuild(), nextGuild()];
    await ctx.addedArticles.add(a, upload());
    ctx.library.invalidate(a);
    const [shelfA, shelfB] = await Promise.all([ctx.library.forGuild(a), ctx.library.forGuild(b)]);

    expect(shelfA.corpus.byId.get('quokkas')?.title).toBe('Quokkas of the island');
    expect(shelfA.corpus.articles.map((article) => article.id)).toEqual([...shipped.corpus.articles.map((article) => article.id), 'quokkas']);
    expect(shelfA.corpus.passages.slice(-3).map((passage) => passage.ref)).toEqual(['quokkas:1', 'quokkas:2', 'quokkas:3']);
    expect(shelfA.search.search('quokkas', { limit: 5 }).map((hit) => hit.ref)).toEqual(expect.arrayContaining(['quokkas:1', 'quokkas:2']));
    expect(shelfA.quotes.filter((quote) => quote.articleId === 'quokkas').map((quote) => quote.ref)).toEqual(expect.arrayContaining(['quokkas:1', 'quokkas:2']));
    expect((await ctx.passage.suggestPassages(a, 'quokk')).map((choice) => choice.ref)).toContain('quokkas:1');
    expect((await ctx.passage.suggestReferences(a, 'quokkas:')).map((choice) => choice.ref)).toContain('quokkas:2');
    expect((await ctx.passage.articles(a)).map((article) => article.id)).toContain('quokkas');

    expect(shelfB).toBe(shipped);
    expect(shelfB.search.search('quokkas', { limit: 5 })).toEqual([]);
    expect(await ctx.passage.suggestPassages(b, 'quokk')).toEqual([]);
    await expect(ctx.passage.show(b, 'quokkas:1')).rejects.toThrow();
    expect((await ctx.passage.show(a, 'quokkas:1')).passages[0]!.text).toMatch(/^Quokkas live on a small island/);
  });

  it('GIVEN a quote of an added article THEN none of its prompts is about the shipped articles (the ones comparing the two texts name both)', async () => {
    const guildId = nextGuild();
    await ctx.addedArticles.add(guildId, upload());
    ctx.library.invalidate(guildId);
    const shelf = await ctx.library.forGuild(guildId);
    const quotes = shelf.quotes.filter((quote) => quote.articleId === 'quokkas');
    expect(quotes.length).toBeGreaterThan(0);
    for (const quote of quotes) {
      for (const style of PROMPT_STYLE_CHOICES) {
        const fitting = promptTiers(shelf.prompts, quote, style).flat();
        expect(fitting.length).toBeGreaterThan(0);
        expect(fitting.filter((prompt) => /\b(?:both texts|one text|the two texts|Isenov|Putin)\b/i.test(prompt.text)).map((prompt) => prompt.text)).toEqual([]);
      }
    }
  });

  it('GIVEN words in both the shipped and the added articles THEN one ranking: best score first, either index', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload());
    const { served } = library();
    const { search } = await served.forGuild(guildId);
    const hits = search.search('Kazakhstan quokkas', { limit: 10 });
    // Only the added paragraph holds both words; shipped paragraphs with Kazakhstan come after it.
    expect(hits[0]!.ref).toBe('quokkas:2');
    expect(hits.some((hit) => hit.articleId === 'former-kazakhstan')).toBe(true);
    expect(hits).toHaveLength(10);
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    // The shipped hits keep the order the shipped index gives them.
    const shippedHits = shipped.search.search('Kazakhstan quokkas', { limit: 10 }).map((hit) => hit.ref);
    expect(hits.filter((hit) => hit.articleId !== 'quokkas').map((hit) => hit.ref)).toEqual(shippedHits.slice(0, hits.filter((hit) => hit.articleId !== 'quokkas').length));
    // Scoped to one article, whichever index holds it.
    expect(search.search('Kazakhstan', { articleId: 'quokkas' }).map((hit) => hit.ref)).toEqual(['quokkas:2']);
    expect(search.search('quokkas', { articleId: 'former-kazakhstan' })).toEqual([]);
    expect(search.normalise('Quokkas')).toBe(shipped.search.normalise('Quokkas'));
  });

  it('GIVEN shipped_articles false THEN only the added articles are read, with the general shipped prompts and the own ones', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload());
    await settings.update(guildId, { shipped_articles: false });
    const { served } = library({ prompts: new Map([[guildId, [ownPrompt('own-1')]]]) });
    const shelf = await served.forGuild(guildId);
    expect(shelf.corpus.articles.map((article) => article.id)).toEqual(['quokkas']);
    expect(shelf.corpus.passages.every((passage) => passage.articleId === 'quokkas')).toBe(true);
    expect(shelf.search.search('Kazakhstan', { limit: 10 }).map((hit) => hit.ref)).toEqual(['quokkas:2']);
    expect(shelf.quotes.length).toBeGreaterThan(0);
    expect(shelf.quotes.every((quote) => quote.articleId === 'quokkas')).toBe(true);
    expect(shipped.prompts.prompts.some((prompt) => prompt.refs.length > 0)).toBe(true);
    expect(shelf.prompts.prompts.every((prompt) => prompt.refs.length === 0 && prompt.articles === undefined)).toBe(true);
    expect(shelf.prompts.prompts.map((prompt) => prompt.id)).toContain('own-1');

    // Shown again: the next use reads the setting, no invalidation needed.
    await settings.update(guildId, { shipped_articles: true });
    expect((await served.forGuild(guildId)).corpus.articles.map((article) => article.id)).toEqual([...shipped.corpus.articles.map((article) => article.id), 'quokkas']);
  });

  it('GIVEN shipped_articles false and nothing added THEN the library is empty, and search finds nothing', async () => {
    const guildId = nextGuild();
    await settings.update(guildId, { shipped_articles: false });
    const shelf = await library().served.forGuild(guildId);
    expect(shelf.corpus.articles).toEqual([]);
    expect(shelf.quotes).toEqual([]);
    expect(shelf.search.search('Kazakhstan')).toEqual([]);
    // The daily post has nothing to post, and says so in one sentence.
    expect(() => nextInRotation(shelf.quotes, { cycle: 0, used: [], prompts: [] }, guildId)).toThrow(
      new UserError("This server's library has no sentence short enough to quote: add an article with `/library add`, or show the shipped articles again with `/settings set shipped_articles:true`."),
    );
  });

  it('GIVEN server prompts only THEN the shipped articles as they are, and the prompts joined', async () => {
    const guildId = nextGuild();
    const shelf = await library({ prompts: new Map([[guildId, [ownPrompt('own-2')]]]) }).served.forGuild(guildId);
    expect(shelf.corpus).toBe(shipped.corpus);
    expect(shelf.search).toBe(shipped.search);
    expect(shelf.prompts.prompts).toEqual([...shipped.prompts.prompts, ownPrompt('own-2')]);
  });

  it('GIVEN an article added after first use THEN the library keeps the old one until invalidated, then has it', async () => {
    const guildId = nextGuild();
    const { served, builds } = library();
    expect(await served.forGuild(guildId)).toBe(shipped);
    await articles.add(guildId, upload());
    expect(await served.forGuild(guildId)).toBe(shipped);
    served.invalidate(guildId);
    expect((await served.forGuild(guildId)).corpus.byId.has('quokkas')).toBe(true);
    expect(builds).toEqual([guildId, guildId]);
  });

  it('GIVEN many first uses of a server at once THEN its library is built once', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload());
    const { served, builds } = library();
    const shelves = await Promise.all(Array.from({ length: 10 }, () => served.forGuild(guildId)));
    expect(new Set(shelves).size).toBe(1);
    expect(builds).toEqual([guildId]);
  });

  it('GIVEN a cache bound that holds one server THEN the least recently used is evicted, and its next use builds it again', async () => {
    const [a, b] = [nextGuild(), nextGuild()];
    await articles.add(a, upload());
    await articles.add(b, upload('rivers.txt', 'Rivers\n\nRivers run to the sea, and the sea is never full.\n'));
    // Each server's estimated size, as the library logs it when built.
    const logger = pino({ level: 'debug' });
    const debug = vi.spyOn(logger, 'debug').mockImplementation(() => undefined);
    const sizing = library({ logger });
    await sizing.served.forGuild(a);
    await sizing.served.forGuild(b);
    const [bytesA, bytesB] = debug.mock.calls.map(([details]) => (details as { bytes: number }).bytes);
    expect(bytesA).toBeGreaterThan(0);
    expect(bytesB).toBeGreaterThan(0);

    const one = library({ cacheBytes: Math.max(bytesA!, bytesB!) + 1000 });
    const first = await one.served.forGuild(a);
    expect(await one.served.forGuild(a)).toBe(first);
    await one.served.forGuild(b); // evicts a
    expect(await one.served.forGuild(b)).toBe(await one.served.forGuild(b));
    const again = await one.served.forGuild(a);
    expect(again).not.toBe(first);
    expect(again.corpus.byId.has('quokkas')).toBe(true);
    expect(one.builds).toEqual([a, b, a]);

    const both = library({ cacheBytes: bytesA! + bytesB! + 1000 });
    for (const guildId of [a, b, a, b]) await both.served.forGuild(guildId);
    expect(both.builds).toEqual([a, b]);
  });

  it('GIVEN an unreadable added article THEN it is set aside and the server reads its other articles', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload());
    await articles.add(guildId, upload('rivers.txt', 'Rivers\n\nRivers run to the sea, and the sea is never full.\n'));
    await temp.store.namespace('library-articles').set(`${guildId}/quokkas`, { filename: 'quokkas.txt', text: ['not', 'text'] });
    const shelf = await library().served.forGuild(guildId);
    expect(shelf.corpus.byId.has('quokkas')).toBe(false);
    expect(shelf.search.search('rivers sea').map((hit) => hit.ref)).toEqual(['rivers:1']);
    const aside: unknown[] = [];
    for await (const [, record] of temp.store.namespace('quarantine').entries()) aside.push(record);
    expect(aside).toContainEqual(expect.objectContaining({ namespace: 'library-articles', key: `${guildId}/quokkas` }));
  });

  it('GIVEN an added article with the id of a shipped one THEN the shipped one is read, and the added one only while the shipped are hidden', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload('former-kazakhstan.txt', 'My own Kazakhstan\n\nQuokkas are not found in Kazakhstan.\n'));
    const { served } = library();
    expect((await served.forGuild(guildId)).corpus.byId.get('former-kazakhstan')).toBe(shipped.corpus.byId.get('former-kazakhstan'));
    await settings.update(guildId, { shipped_articles: false });
    expect((await served.forGuild(guildId)).corpus.byId.get('former-kazakhstan')?.title).toBe('My own Kazakhstan');
  });

  it('GIVEN the store down THEN a server reads its library as last built, or the shipped one, and its own once the store answers', async () => {
    const [warm, cold] = [nextGuild(), nextGuild()];
    await articles.add(warm, upload());
    await articles.add(cold, upload());
    let down = false;
    const unless = <T>(read: () => Promise<T>) => (down ? Promise.reject(new StoreUnavailable('the store is unavailable')) : read());
    const served = createServerLibrary({
      shipped,
      articles: { list: (guildId) => unless(() => articles.list(guildId)) },
      prompts: { forLibrary: () => unless(async () => []) },
      settings: { get: (guildId) => unless(() => settings.get(guildId)) },
      cacheBytes: 64 * 2 ** 20,
      logger: silentLogger,
    });
    const built = await served.forGuild(warm);
    down = true;
    expect(await served.forGuild(warm)).toBe(built);
    expect(await served.forGuild(cold)).toBe(shipped);
    down = false;
    expect((await served.forGuild(cold)).corpus.byId.has('quokkas')).toBe(true);
  });

  it('GIVEN shipped_articles changed while the library was being built THEN a use after the change reads the new setting', async () => {
    const guildId = nextGuild();
    await articles.add(guildId, upload());
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const served = createServerLibrary({
      shipped,
      articles: { list: async (id) => (await gate, articles.list(id)) },
      prompts: { forLibrary: async () => [] },
      settings,
      cacheBytes: 64 * 2 ** 20,
      logger: silentLogger,
    });
    const before = served.forGuild(guildId);
    await settings.update(guildId, { shipped_articles: false });
    const after = served.forGuild(guildId);
    release();
    expect((await before).corpus.byId.has('former-kazakhstan')).toBe(true);
    expect((await after).corpus.articles.map((article) => article.id)).toEqual(['quokkas']);
    expect((await served.forGuild(guildId)).corpus.articles.map((article) => article.id)).toEqual(['quokkas']);
  });

  it('GIVEN a server with no articles at all THEN a search in a named article says the library is empty', async () => {
    const guildId = nextGuild();
    await ctx.settings.update(guildId, { shipped_articles: false });
    await expect(ctx.passage.search({ guildId, userId: ADMIN, query: 'Kazakhstan', articleId: 'former-kazakhstan', perPage: 5 })).rejects.toThrow(
      new UserError("There is no article `former-kazakhstan`: this server's library has no articles yet (`/library add` adds one)."),
    );
    expect((await ctx.passage.search({ guildId, userId: ADMIN, query: 'Kazakhstan', perPage: 5 })).kind).toBe('none');
  });
});
