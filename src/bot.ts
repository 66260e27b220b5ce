import { commandDefinitions } from './commands/index.js';
import { events } from './events/index.js';
import { createClient } from './lib/client.js';
import type { Config } from './lib/config.js';
import type { BotContext } from './lib/context.js';
import { loadCorpus } from './lib/corpus.js';
import { createLogger } from './lib/logger.js';
import { discordPoster } from './lib/daily/discord-poster.js';
import { loadPrompts } from './lib/daily/prompts.js';
import { extractQuotes } from './lib/daily/quotes.js';
import { createDailyService } from './lib/daily/service.js';
import { createPollService } from './lib/polls/service.js';
import { loadOrBuildSearchIndex } from './lib/search-cache.js';
import { createSearchSessions } from './lib/search-sessions.js';
import { createSettingsStore } from './lib/settings.js';
import { openStore } from './lib/store.js';

const SEARCH_CACHE_DIR = 'data/cache';

export interface Bot {
  ctx: BotContext;
  stop(): Promise<void>;
}

/** Loads the corpus and the store, wires the events and logs in. */
export async function startBot(config: Config): Promise<Bot> {
  const logger = createLogger(config.LOG_LEVEL);
  const corpus = await loadCorpus(config.CORPUS_DIR);
  // The index is kept on disk and rebuilt only when the corpus changes, so a large corpus starts fast.
  const { index: search, source, ms } = await loadOrBuildSearchIndex(corpus, { cacheDir: SEARCH_CACHE_DIR, logger });
  logger.info({ source, ms: Math.round(ms) }, 'search index ready');
  const quotes = extractQuotes(corpus);
  const prompts = await loadPrompts(config.CORPUS_DIR, corpus, quotes);
  const store = openStore(config.STORE_URL);
  const client = createClient(config);
  const settings = createSettingsStore(store, logger);
  const ctx: BotContext = {
    client,
    config,
    logger,
    corpus,
    search,
    store,
    settings,
    sessions: createSearchSessions(store, logger),
    polls: createPollService({ store, logger, corpus }),
    daily: createDailyService({ poster: discordPoster(client), store, settings, logger, corpus, quotes, prompts }),
  };
  for (const event of events) {
    const listener = (...args: unknown[]) =>
      Promise.resolve((event.execute as (ctx: BotContext, ...rest: unknown[]) => unknown)(ctx, ...args)).catch((error: unknown) =>
        logger.error({ err: error, event: event.name }, 'event handler failed'),
      );
    if (event.once) client.once(event.name, listener);
    else client.on(event.name, listener);
  }
  logger.info({ articles: corpus.articles.length, passages: corpus.passages.length, commands: commandDefinitions().length, api: config.DISCORD_API_URL }, 'starting');
  await client.login(config.DISCORD_TOKEN);
  return {
    ctx,
    async stop() {
      await Promise.all([ctx.polls.stop(), ctx.daily.stop()]);
      await client.destroy();
      await store.close();
    },
  };
}
