import type { Client } from 'discord.js';
import type { Config } from './config.js';
import type { Corpus } from './corpus.js';
import type { DailyService } from './daily/service.js';
import type { Logger } from './logger.js';
import type { Drain } from './ops/drain.js';
import type { FirstResponses } from './ops/first-response.js';
import type { Metrics } from './ops/metrics.js';
import type { PollService } from './polls/service.js';
import type { SearchIndex } from './search.js';
import type { SearchSessions } from './search-sessions.js';
import type { SettingsStore } from './settings.js';
import type { Store } from './store.js';

/** What every command and event handler may use; built once in bot.ts. */
export interface BotContext {
  client: Client;
  config: Config;
  logger: Logger;
  corpus: Corpus;
  search: SearchIndex;
  sessions: SearchSessions;
  store: Store;
  settings: SettingsStore;
  polls: PollService;
  daily: DailyService;
  /** Operations: counters, the first-response timer and the SIGTERM drain. */
  ops: { metrics: Metrics; firstResponses: FirstResponses; drain: Drain };
}
