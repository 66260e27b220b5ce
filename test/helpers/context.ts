import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadCorpus } from '../../src/library/corpus.js';
import { buildSearchIndex } from '../../src/search/engine.js';
import { createSearchSessions } from '../../src/features/passage/sessions.js';
import { createPassageService, type PassageService } from '../../src/features/passage/service.js';
import { createRotationStore } from '../../src/features/daily/store.js';
import { createQuoteService, type QuoteService } from '../../src/features/quote/service.js';
import type { GuildLibrary } from '../../src/library/library.js';
import { createServerLibrary, type ServerLibrary } from '../../src/library/server-library.js';
import { createAddedArticles, type AddedArticles } from '../../src/features/library/store.js';
import { createServerPrompts } from '../../src/features/prompts/service.js';
import { loadPrompts } from '../../src/library/prompts.js';
import { loadQuotes } from '../../src/library/curated-quotes.js';
import { extractQuotes } from '../../src/library/quotes.js';
import { loadSpellings } from '../../src/library/spellings.js';
import { createSettingsService, type SettingsService } from '../../src/features/settings/service.js';
import { createSpellingsService, type SpellingsService } from '../../src/features/spellings/service.js';
import { openStore, type Store } from '../../src/lib/store.js';

export const silentLogger = pino({ level: 'silent' });

/** A fresh SQLite store in its own temporary folder. */
export function tempStore(): { store: Store; url: string; dir: string; cleanup(): Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-test-'));
  const url = `sqlite://${path.join(dir, 'store.sqlite')}`;
  const store = openStore(url);
  return {
    store,
    url,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shipped: Promise<GuildLibrary> | undefined;

/** The shipped corpus with its index, quotes and prompts, loaded once per test file. */
export function shippedCorpus(): Promise<GuildLibrary> {
  shipped ??= loadCorpus('corpus').then(async (corpus) => {
    const { quotes } = await loadQuotes('corpus', corpus, extractQuotes(corpus));
    return { corpus, search: buildSearchIndex(corpus), spellings: await loadSpellings('corpus'), quotes, prompts: await loadPrompts('corpus', corpus, quotes) };
  });
  return shipped;
}

export interface LibContext {
  settings: SettingsService;
  spellings: SpellingsService;
  library: ServerLibrary;
  addedArticles: AddedArticles;
  passage: PassageService;
  quote: QuoteService;
  store: Store;
  cleanup(): Promise<void>;
}

/** The services as bot.ts wires them, on the server library (shipped and added articles) and a real SQLite file. */
export async function libContext(): Promise<LibContext> {
  const temp = tempStore();
  const settings = createSettingsService({ store: temp.store, logger: silentLogger });
  const addedArticles = createAddedArticles(temp.store, silentLogger);
  const library = createServerLibrary({
    shipped: await shippedCorpus(),
    articles: addedArticles,
    prompts: { forLibrary: (guildId) => prompts.forLibrary(guildId) },
    settings,
    cacheBytes: 64 * 2 ** 20,
    logger: silentLogger,
  });
  const prompts = createServerPrompts({ store: temp.store, logger: silentLogger, library, onChange: (guildId) => library.invalidate(guildId) });
  const spellings = createSpellingsService({ store: temp.store, logger: silentLogger, library });
  return {
    store: temp.store,
    settings,
    spellings,
    library,
    addedArticles,
    passage: createPassageService({ library, sessions: createSearchSessions(temp.store, silentLogger), spellings }),
    quote: createQuoteService({ library, settings, rotations: createRotationStore(temp.store, silentLogger) }),
    cleanup: temp.cleanup,
  };
}
