import type { Server } from 'node:http';
import { commandDefinitions } from './commands/index.js';
import { events } from './events/index.js';
import { createClient } from './discord/client.js';
import type { Config } from './lib/config.js';
import type { BotContext } from './context.js';
import { createLogger } from './lib/logger.js';
import { loadShippedLibrary } from './library/library.js';
import { createServerLibrary } from './library/server-library.js';
import { createAddedArticles } from './features/library/store.js';
import { ATTACHMENT_TIMEOUT_MS, createAttachmentFetcher } from './features/library/attachment.js';
import { createLibraryService } from './features/library/service.js';
import { discordPoster } from './discord/daily-poster.js';
import { discordHost } from './discord/poll-host.js';
import { discordRecapPoster } from './discord/recap-poster.js';
import { createCooldownService } from './features/cooldowns/service.js';
import { cooldownRefusal } from './features/cooldowns/views.js';
import { createDailyService } from './features/daily/service.js';
import { createHistoryService } from './features/history/service.js';
import { createPlanService } from './features/plans/service.js';
import { createRecapService } from './features/recap/service.js';
import { createSpellingsService } from './features/spellings/service.js';
import { createServerPrompts } from './features/prompts/service.js';
import { createRotationStore } from './features/daily/store.js';
import { createDrain } from './lib/ops/drain.js';
import { trackFirstResponses } from './lib/ops/first-response.js';
import { startHealthServer } from './lib/ops/health-server.js';
import { createMetrics } from './lib/ops/metrics.js';
import { processSources, shardStates } from './lib/ops/process-health.js';
import { answerReports } from './lib/ops/shard-reports.js';
import { createPollService } from './features/polls/service.js';
import { createSearchSessions } from './features/passage/sessions.js';
import { createPassageService } from './features/passage/service.js';
import { createQuoteService } from './features/quote/service.js';
import { createSettingsService } from './features/settings/service.js';
import { openStore } from './lib/store.js';

const SEARCH_CACHE_DIR = 'data/cache';
// SIGTERM must end the process within 10 s: in-flight interactions get most of it.
const DRAIN_MS = 7_000;

export interface Bot {
  ctx: BotContext;
  /** Drains: no new interactions, the ones in flight answered, poll edits flushed, the store closed. */
  stop(): Promise<void>;
}

/** Loads the corpus and the store, wires the events and logs in. */
export async function startBot(config: Config): Promise<Bot> {
  const logger = createLogger(config.LOG_LEVEL);
  const shipped = await loadShippedLibrary(config.CORPUS_DIR, SEARCH_CACHE_DIR, logger);
  const { corpus } = shipped;
  const client = createClient(config);
  const metrics = createMetrics(() => shardStates(client));
  const store = openStore(config.STORE_URL, { onError: () => metrics.storeErrors.inc(), logger });
  const settings = createSettingsService({ store, logger });
  const addedArticles = createAddedArticles(store, logger);
  // Server prompts read the library (to resolve a reference) and are part of it: joined here, late.
  const library = createServerLibrary({
    shipped,
    articles: addedArticles,
    prompts: { forLibrary: (guildId) => prompts.forLibrary(guildId) },
    settings,
    cacheBytes: config.LIBRARY_CACHE_MB * 2 ** 20,
    logger,
  });
  const spellings = createSpellingsService({ store, logger, library });
  const prompts = createServerPrompts({ store, logger, library, onChange: (guildId) => library.invalidate(guildId) });
  const drain = createDrain();
  const firstResponses = trackFirstResponses(client, metrics);
  const history = createHistoryService({ store, logger, settings });
  const daily = createDailyService({ poster: discordPoster(client), store, settings, library, history, logger, metrics });
  const plans = createPlanService({ store, library, daily, logger });
  const ctx: BotContext = {
    logger,
    settings,
    spellings,
    prompts,
    library,
    addedArticles,
    libraryArticles: createLibraryService({
      articles: addedArticles,
      library,
      shipped: corpus,
      fetchAttachment: createAttachmentFetcher({ apiUrl: config.DISCORD_API_URL, timeoutMs: ATTACHMENT_TIMEOUT_MS }),
    }),
    passage: createPassageService({ library, sessions: createSearchSessions(store, logger), spellings }),
    quote: createQuoteService({ library, settings, rotations: createRotationStore(store, logger) }),
    cooldowns: createCooldownService({ settings, refusal: cooldownRefusal }),
    polls: createPollService({ store, logger, library, host: discordHost(client), history, metrics, voterSecret: config.DISCORD_TOKEN }),
    history,
    daily,
    plans,
    recap: createRecapService({ store, logger, poster: discordRecapPoster(client), history, plans, library, daily }),
    ops: { metrics, firstResponses, drain },
  };
  for (const event of events) {
    const listener = (...args: unknown[]) =>
      Promise.resolve((event.execute as (ctx: BotContext, ...rest: unknown[]) => unknown)(ctx, ...args)).catch((error: unknown) =>
        logger.error({ err: error, event: event.name }, 'event handler failed'),
      );
    if (event.once) client.once(event.name, listener);
    else client.on(event.name, listener);
  }
  // Under start:sharded the manager serves one /healthz and /metrics for all its shards.
  const sources = processSources(client, store, drain, metrics);
  let health: Server | undefined;
  if (config.SHARDING_MANAGER) answerReports(sources.report);
  else if (config.HEALTH_PORT) health = await startHealthServer(config.HEALTH_PORT, sources, logger);
  logger.info({ articles: corpus.articles.length, passages: corpus.passages.length, commands: commandDefinitions().length, api: config.DISCORD_API_URL }, 'starting');
  await client.login(config.DISCORD_TOKEN);
  return {
    ctx,
    async stop() {
      if (!(await drain.close(DRAIN_MS))) logger.warn('interactions still in flight when the drain ended');
      await Promise.all([ctx.polls.stop(), ctx.daily.stop(), ctx.history.stop(), ctx.recap.stop()]);
      firstResponses.stop();
      await client.destroy();
      await store.close();
      await new Promise((resolve) => (health ? health.close(resolve) : resolve(undefined)));
    },
  };
}
