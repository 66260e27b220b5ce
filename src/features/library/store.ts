import { z } from 'zod';
import { UserError } from '../../lib/errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';
import { parseUpload, UPLOAD_MAX_BYTES, type UploadInput } from '../../library/uploaded.js';

/** SPEC section 10: at most 50 added articles in a server. */
export const MAX_ADDED_ARTICLES = 50;

/** An article a server's admin added: the upload as given (after validation), and who added it when. */
export interface AddedArticle extends UploadInput {
  addedAt: string;
  addedBy: string;
}

const articleSchema = z.strictObject({
  filename: z.string().min(1).max(1024),
  // Characters, not bytes: a file of at most UPLOAD_MAX_BYTES bytes has at most as many characters.
  text: z.string().min(1).max(UPLOAD_MAX_BYTES),
  id: z.string().min(1).max(60).optional(),
  title: z.string().min(1).max(200).optional(),
  kind: z.string().min(1).max(40).optional(),
  source: z.string().min(1).max(200).optional(),
  addedAt: z.iso.datetime(),
  addedBy: z.string().min(1).max(32),
});

/** A server's added article ids, in the order added: listing a server reads this and its own articles, no other server's. */
const indexSchema = z.strictObject({ ids: z.array(z.string().min(1).max(60)).max(MAX_ADDED_ARTICLES) });

export interface AddedArticles {
  /** The server's added articles, in the order added. */
  list(guildId: string): Promise<AddedArticle[]>;
  get(guildId: string, articleId: string): Promise<AddedArticle | undefined>;
  /** Refuses (UserError) an id already there, or a 51st article. */
  add(guildId: string, article: AddedArticle): Promise<void>;
  remove(guildId: string, articleId: string): Promise<boolean>;
  forgetGuild(guildId: string): Promise<void>;
}

/**
 * Added articles, one record per article (`<guild>/<id>` in `library-articles`, the stored
 * text) and one index record per server (`<guild>` in `library`). The article is written
 * before the index names it and leaves the index before it is deleted, so a write cut
 * short leaves at most a record no index names, which `add` overwrites and `forgetGuild`
 * finds by its key. One server's changes run one after another.
 */
export function createAddedArticles(store: Store, logger: Logger): AddedArticles {
  const indexes = recordStore(store.namespace('library'), indexSchema, logger, 'library index');
  const articles = recordStore(store.namespace('library-articles'), articleSchema, logger, 'added article');
  const changes = createKeyedQueue();
  const keyOf = (guildId: string, articleId: string) => `${guildId}/${articleId}`;
  const idsOf = async (guildId: string) => (await indexes.get(guildId))?.ids ?? [];

  /** The listed articles with their ids; an id whose record is gone or set aside is left out. */
  async function listed(guildId: string): Promise<Array<[string, AddedArticle]>> {
    const ids = await idsOf(guildId);
    const records = await Promise.all(ids.map((id) => articles.get(keyOf(guildId, id))));
    return ids.flatMap((id, at) => (records[at] ? [[id, records[at]] as [string, AddedArticle]] : []));
  }

  return {
    async list(guildId) {
      return (await listed(guildId)).map(([, article]) => article);
    },

    async get(guildId, articleId) {
      const [ids, article] = await Promise.all([idsOf(guildId), articles.get(keyOf(guildId, articleId))]);
      return ids.includes(articleId) ? article : undefined;
    },

    async add(guildId, article) {
      const id = parseUpload(article).id;
      await changes.run(guildId, async () => {
        const present = (await listed(guildId)).map(([known]) => known);
        if (present.includes(id)) throw new UserError(`This server already has an article \`${id}\`: remove it first with \`/library remove\`, or give another \`id\`.`);
        if (present.length >= MAX_ADDED_ARTICLES) throw new UserError(`This server has ${MAX_ADDED_ARTICLES} added articles, the most it keeps: remove one with \`/library remove\` first.`);
        await articles.set(keyOf(guildId, id), article);
        await indexes.set(guildId, { ids: [...present, id] });
      });
    },

    remove(guildId, articleId) {
      return changes.run(guildId, async () => {
        const ids = await idsOf(guildId);
        if (!ids.includes(articleId)) return false;
        const left = ids.filter((id) => id !== articleId);
        if (left.length > 0) await indexes.set(guildId, { ids: left });
        else await indexes.delete(guildId);
        await articles.delete(keyOf(guildId, articleId));
        return true;
      });
    },

    forgetGuild(guildId) {
      return changes.run(guildId, async () => {
        await indexes.delete(guildId);
        // By key, not by the index: a record an interrupted add left behind goes too.
        const prefix = `${guildId}/`;
        for await (const [key] of articles.entries((key) => key.startsWith(prefix))) await articles.delete(key);
      });
    },
  };
}
