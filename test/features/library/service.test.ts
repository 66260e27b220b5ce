import { afterAll, describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/features/library/service.js';
import { removeId } from '../../../src/features/library/ids.js';
import { libContext, shippedCorpus } from '../../helpers/context.js';

const ctx = await libContext();
afterAll(() => ctx.cleanup());

/** The attached files by URL: what Discord's CDN would serve. */
const cdn = new Map<string, Uint8Array>();
const service = createLibraryService({
  articles: ctx.addedArticles,
  library: ctx.library,
  shipped: (await shippedCorpus()).corpus,
  fetchAttachment: async (file) => cdn.get(file.url)!,
});

let guild = 0;
const nextGuild = () => `20000000000000${String(++guild).padStart(4, '0')}`;
const ADMIN = '300000000000000001';
const NO_OPTIONS = { id: null, title: null, kind: null, source: null };

function attach(name: string, text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const url = `https://cdn.discordapp.com/ephemeral-attachments/1/${cdn.size + 1}/${name}`;
  cdn.set(url, bytes);
  return { name, size: bytes.byteLength, url };
}

describe('a server’s added articles', () => {
  it('GIVEN a .txt added THEN it is searchable and suggested in that server at once, not in another', async () => {
    const [guildId, other] = [nextGuild(), nextGuild()];
    expect((await ctx.passage.search({ guildId, userId: ADMIN, query: 'palimpsest', perPage: 5 })).kind).toBe('none');
    const article = await service.add(guildId, ADMIN, attach('slow.txt', 'Slowly\n\nA palimpsest shows its old text.\n'), { ...NO_OPTIONS, kind: 'essay' });
    expect(article).toMatchObject({ id: 'slow', title: 'Slowly', kind: 'essay' });
    expect((await ctx.passage.search({ guildId, userId: ADMIN, query: 'palimpsest', perPage: 5 })).kind).toBe('found');
    expect((await ctx.passage.search({ guildId: other, userId: ADMIN, query: 'palimpsest', perPage: 5 })).kind).toBe('none');
    expect((await service.suggest(guildId, 'SLO')).map((a) => a.id)).toEqual(['slow']);
    expect(await service.suggest(other, '')).toEqual([]);
    expect(await ctx.addedArticles.get(guildId, 'slow')).toMatchObject({ filename: 'slow.txt', kind: 'essay', addedBy: ADMIN });
  });

  it('GIVEN the id of a shipped article THEN it is refused, even where the server hides the shipped articles', async () => {
    const guildId = nextGuild();
    await ctx.settings.update(guildId, { shipped_articles: false });
    await expect(service.add(guildId, ADMIN, attach('x.txt', 'X\n\nText.'), { ...NO_OPTIONS, id: 'former-kazakhstan' })).rejects.toThrow(
      '`former-kazakhstan` is the id of an article Marginalia ships with: give this one another with the `id` option.',
    );
    expect(await ctx.addedArticles.list(guildId)).toEqual([]);
  });

  it('GIVEN bytes that are not UTF-8 THEN nothing is stored', async () => {
    const guildId = nextGuild();
    await expect(service.add(guildId, ADMIN, attach('x.txt', new Uint8Array([0xc3, 0x28])), NO_OPTIONS)).rejects.toThrow('`x.txt` is not UTF-8 text');
    expect(await ctx.addedArticles.list(guildId)).toEqual([]);
  });

  it('GIVEN export THEN the bytes attached come back; GIVEN remove THEN its references no longer resolve', async () => {
    const guildId = nextGuild();
    const bytes = Buffer.from('\uFEFF---\r\nid: notes\r\ntitle: Notes\r\nkind: diary\r\n---\r\n\r\nÉté.\r\n', 'utf8');
    await service.add(guildId, ADMIN, attach('Notes.md', bytes), NO_OPTIONS);
    expect(await service.title(guildId, 'notes')).toBe('Notes');
    const exported = await service.export(guildId, 'notes');
    expect(exported.filename).toBe('Notes.md');
    expect(exported.bytes.equals(bytes)).toBe(true);
    expect((await ctx.passage.show(guildId, 'notes:1')).passages[0]!.text).toBe('Été.');

    expect(await service.remove(guildId, 'notes')).toBe(true);
    await expect(ctx.passage.show(guildId, 'notes:1')).rejects.toThrow('There is no article `notes`');
    expect(await service.remove(guildId, 'notes')).toBe(false);
    await expect(service.export(guildId, 'notes')).rejects.toThrow('This server has added no article `notes`');
    await expect(service.title(guildId, 'former-kazakhstan')).rejects.toThrow('This server has added no article `former-kazakhstan`');
  });
});

describe('the Remove button’s id', () => {
  it('GIVEN the largest snowflakes and a 60-character article id THEN it fits in 100 characters and reads back the same', () => {
    const ids = { guildId: '18446744073709551615', userId: '1234567890123456789', articleId: `a${'-b'.repeat(29)}c` };
    const encoded = removeId.encode(ids);
    expect(encoded.length).toBeLessThanOrEqual(100);
    expect(removeId.decode(encoded)).toEqual(ids);
  });

  it.each(['library:rm:zz:zz', 'library:rm:zz:zz:Bad', 'library:rm:zz:zz:ok:extra', 'library:rm:!!:zz:ok', 'passage:show:x:1'])('GIVEN %s THEN it is not a Remove button', (id) => {
    expect(removeId.decode(id)).toBeUndefined();
  });
});
