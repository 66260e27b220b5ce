import { commandDefinitions } from './commands/index.js';
import { events } from './events/index.js';
import { createClient } from './lib/client.js';
import type { Config } from './lib/config.js';
import type { BotContext } from './lib/context.js';
import { loadCorpus } from './lib/corpus.js';
import { createLogger } from './lib/logger.js';
import { buildSearchIndex } from './lib/search.js';
import { createSearchSessions } from './lib/search-sessions.js';
import { createSettingsStore } from './lib/settings.js';
import { openStore } from './lib/store.js';

export interface Bot {
  ctx: BotContext;
  stop(): Promise<void>;
}

/** Loads the corpus and the store, wires the events and logs in. */
export async function startBot(config: Config): Promise<Bot> {
  const logger = createLogger(config.LOG_LEVEL);
  const corpus = await loadCorpus(config.CORPUS_DIR);
  const search = buildSearchIndex(corpus);
  const store = openStore(config.STORE_URL);
  const client = createClient(config);
  const ctx: BotContext = {
    client,
    config,
    logger,
    corpus,
    search,
    store,
    settings: createSettingsStore(store, logger),
    sessions: createSearchSessions(store, logger),
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
      await client.destroy();
      await store.close();
    },
  };
}
