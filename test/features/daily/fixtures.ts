import { pino } from 'pino';
import type { Corpus } from '../../../src/library/corpus.js';
import { PostRefused, type DailyPoster } from '../../../src/discord/daily-poster.js';
import type { QuoteMessage } from '../../../src/features/daily/post.js';
import { loadPrompts } from '../../../src/library/prompts.js';
import { extractQuotes } from '../../../src/library/quotes.js';
import { createDailyService } from '../../../src/features/daily/service.js';
import type { Logger } from '../../../src/lib/logger.js';
import { createSettingsStore } from '../../../src/features/settings/service.js';
import type { Store } from '../../../src/lib/store.js';

export const GUILD = '200000000000000001';
export const OTHER_GUILD = '200000000000000002';
export const CHANNEL = '200000000000000010';
export const OTHER_CHANNEL = '200000000000000020';
export const ROLE = '200000000000000030';

export interface SentMessage {
  channelId: string;
  messageId: string;
  message: QuoteMessage;
  threadName?: string;
}

/**
 * Discord as the daily service sees it, shared by every "process" of a test: the
 * servers held, channel problems to report, sends to refuse or fail, and what was sent.
 */
export function fakeDiscord() {
  let nextId = 300_000_000_000_000_000n;
  const state = {
    guilds: new Set([GUILD, OTHER_GUILD]),
    /** channel id -> what checkChannel reports */
    problems: new Map<string, string>(),
    /** channel id -> Discord refuses the send (e.g. permission removed in between) */
    refused: new Set<string>(),
    /** the next sends throw a passing error (network, 5xx) */
    failures: 0,
    sent: [] as SentMessage[],
  };
  const poster: DailyPoster = {
    holdsGuild: (guildId) => state.guilds.has(guildId),
    checkChannel: async (_guildId, channelId) => state.problems.get(channelId),
    async send(channelId, message, threadName) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (state.refused.has(channelId)) throw new PostRefused(`Discord refused the post in <#${channelId}>: Missing Permissions.`);
      if (state.failures > 0) {
        state.failures -= 1;
        throw new Error('socket hang up');
      }
      const messageId = String(nextId++);
      state.sent.push({ channelId, messageId, message, ...(threadName ? { threadName } : {}) });
      return { messageId };
    },
  };
  return { state, poster };
}

/** A logger whose JSON lines the test can read. */
export function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** One bot process: a daily service on the given store, with a controlled clock. */
export async function startProcess(options: { store: Store; corpus: Corpus; poster: DailyPoster; clock: { now: number }; logger: Logger; start?: boolean }) {
  const quotes = extractQuotes(options.corpus);
  const prompts = await loadPrompts('corpus', options.corpus, quotes);
  const service = createDailyService({
    poster: options.poster,
    store: options.store,
    settings: createSettingsStore(options.store, options.logger),
    logger: options.logger,
    corpus: options.corpus,
    prompts,
    now: () => options.clock.now,
    cron: false,
  });
  if (options.start !== false) await service.start();
  return service;
}
