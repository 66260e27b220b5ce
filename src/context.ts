import type { Client } from 'discord.js';
import type { Config } from './lib/config.js';
import type { Corpus } from './library/corpus.js';
import type { DailyService } from './features/daily/service.js';
import type { Logger } from './lib/logger.js';
import type { Library } from './library/library.js';
import type { Drain } from './lib/ops/drain.js';
import type { FirstResponses } from './lib/ops/first-response.js';
import type { Metrics } from './lib/ops/metrics.js';
import type { PollService } from './features/polls/service.js';
import type { SearchIndex } from './search/engine.js';
import type { SearchSessions } from './features/passage/sessions.js';
import type { SettingsStore } from './features/settings/service.js';
import type { Store } from './lib/store.js';

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
  /** Articles, search, quotes and prompts of each server. */
  library: Library;
  /** Operations: counters, the first-response timer and the SIGTERM drain. */
  ops: { metrics: Metrics; firstResponses: FirstResponses; drain: Drain };
}
