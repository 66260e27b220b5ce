import type { CooldownService } from './features/cooldowns/service.js';
import type { DailyService } from './features/daily/service.js';
import type { PlanService } from './features/plans/service.js';
import type { RecapService } from './features/recap/service.js';
import type { Logger } from './lib/logger.js';
import type { Drain } from './lib/ops/drain.js';
import type { FirstResponses } from './lib/ops/first-response.js';
import type { Metrics } from './lib/ops/metrics.js';
import type { PollService } from './features/polls/service.js';
import type { PassageService } from './features/passage/service.js';
import type { QuoteService } from './features/quote/service.js';
import type { SettingsService } from './features/settings/service.js';
import type { SpellingsService } from './features/spellings/service.js';
import type { ServerPrompts } from './features/prompts/service.js';
import type { AddedArticles } from './features/library/store.js';
import type { ServerLibrary } from './library/server-library.js';
import type { LibraryService } from './features/library/service.js';
import type { HistoryService } from './features/history/service.js';

/** What command and event handlers may use: the features' services; built once in bot.ts. */
export interface BotContext {
  logger: Logger;
  passage: PassageService;
  quote: QuoteService;
  settings: SettingsService;
  spellings: SpellingsService;
  prompts: ServerPrompts;
  /** Each server's library: the shipped articles and its own. */
  library: ServerLibrary;
  addedArticles: AddedArticles;
  /** `/library`: adding, removing and exporting a server's own articles. */
  libraryArticles: LibraryService;
  polls: PollService;
  cooldowns: CooldownService;
  daily: DailyService;
  /** What each server discussed, polled and noted about each passage. */
  history: HistoryService;
  /** Reading plans, which the daily post walks. */
  plans: PlanService;
  /** `/recap`: what the group did in a period, and the weekly recap post. */
  recap: RecapService;
  /** Operations: counters, the first-response timer and the SIGTERM drain. */
  ops: { metrics: Metrics; firstResponses: FirstResponses; drain: Drain };
}
