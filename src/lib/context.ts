import type { Client } from 'discord.js';
import type { Config } from './config.js';
import type { Corpus } from './corpus.js';
import type { DailyService } from './daily/service.js';
import type { Logger } from './logger.js';
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
}
