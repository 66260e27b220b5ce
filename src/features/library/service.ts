import type { Article, Corpus } from '../../library/corpus.js';
import type { ServerLibrary } from '../../library/server-library.js';
import { decodeUpload, parseUpload, uploadFormat } from '../../library/uploaded.js';
import { UserError } from '../../lib/errors.js';
import { LIMITS, quoteInput } from '../../lib/ui/limits.js';
import type { AttachedFile, FetchAttachment } from './attachment.js';
import type { AddedArticles } from './store.js';

/** The optional fields of `/library add`, as typed (null when not given). */
export interface AddOptions {
  id: string | null;
  title: string | null;
  kind: string | null;
  source: string | null;
}

/** A stored file, as `/library export` gives it back. */
export interface ExportedFile {
  filename: string;
  bytes: Buffer;
}

interface LibraryDeps {
  articles: AddedArticles;
  library: Pick<ServerLibrary, 'forGuild' | 'invalidate'>;
  /** The shipped corpus: an added article may not take one of its ids, even where a server hides them. */
  shipped: Pick<Corpus, 'byId'>;
  fetchAttachment: FetchAttachment;
}

export type LibraryService = ReturnType<typeof createLibraryService>;

/** A server's own articles: adding one from an attached file, removing, exporting, and finding them for autocomplete. */
export function createLibraryService({ articles, library, shipped, fetchAttachment }: LibraryDeps) {
  async function stored(guildId: string, articleId: string) {
    const article = await articles.get(guildId, articleId);
    if (!article) throw new UserError(`This server has added no article \`${quoteInput(articleId)}\`: \`/library remove\` and \`/library export\` offer the ones it has.`);
    return article;
  }

  return {
    /** `/library add`: the file fetched, checked and stored as it is, then searchable at once in this server. */
    async add(guildId: string, userId: string, file: AttachedFile, options: AddOptions): Promise<Article> {
      uploadFormat(file.name);
      const text = decodeUpload(file.name, await fetchAttachment(file));
      const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== null)) as Partial<Record<keyof AddOptions, string>>;
      const upload = { filename: file.name, text, ...given };
      const article = parseUpload(upload);
      if (shipped.byId.has(article.id)) {
        throw new UserError(`\`${article.id}\` is the id of an article Marginalia ships with: give this one another with the \`id\` option.`);
      }
      await articles.add(guildId, { ...upload, addedAt: new Date().toISOString(), addedBy: userId });
      library.invalidate(guildId);
      return article;
    },

    /** `/library remove`, before the confirmation: the added article's title (its id if it is left out of the library), or a UserError. */
    async title(guildId: string, articleId: string): Promise<string> {
      await stored(guildId, articleId);
      return (await library.forGuild(guildId)).corpus.byId.get(articleId)?.title ?? articleId;
    },

    /** `/library remove`, confirmed: false when it was gone already. */
    async remove(guildId: string, articleId: string): Promise<boolean> {
      const removed = await articles.remove(guildId, articleId);
      library.invalidate(guildId);
      return removed;
    },

    /** `/library export`: the file as it was attached, byte for byte (the text was UTF-8, kept verbatim). */
    async export(guildId: string, articleId: string): Promise<ExportedFile> {
      const article = await stored(guildId, articleId);
      return { filename: article.filename, bytes: Buffer.from(article.text, 'utf8') };
    },

    /** Autocomplete: the server's added articles whose id or title contains what was typed. */
    async suggest(guildId: string, typed: string): Promise<Article[]> {
      const words = typed.trim().toLowerCase();
      const { corpus } = await library.forGuild(guildId);
      return corpus.articles
        .filter((article) => !shipped.byId.has(article.id) && (article.id.includes(words) || article.title.toLowerCase().includes(words)))
        .slice(0, LIMITS.autocompleteChoices);
    },
  };
}
