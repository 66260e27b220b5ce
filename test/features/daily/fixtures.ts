import { pino } from 'pino';
import type { QuoteCard } from '../../../src/features/daily/card.js';
import { createDailyService, PostRefused, type DailyPoster, type DailyService } from '../../../src/features/daily/service.js';
import type { Ticker } from '../../../src/features/daily/ticker.js';
import { dailyPostView, type QuoteMessage } from '../../../src/features/daily/views.js';
import type { Logger } from '../../../src/lib/logger.js';
import type { Store } from '../../../src/lib/store.js';
import { shippedLibrary, type Library } from '../../../src/library/library.js';
import { createSettingsService } from '../../../src/features/settings/service.js';
import { shippedCorpus } from '../../helpers/context.js';

export const GUILD = '200000000000000001';
export const OTHER_GUILD = '200000000000000002';
export const CHANNEL = '200000000000000010';
export const OTHER_CHANNEL = '200000000000000020';
export const ROLE = '200000000000000030';

interface SentMessage {
  channelId: string;
  messageId: string;
  /** The card the service chose, and the message and thread name Discord gets for it. */
  card: QuoteCard;
  message: QuoteMessage;
  threadName?: string;
}

/**
 * Discord as the daily service sees it, shared by every "process" of a test: the
 * servers held, channel problems to report, sends to refuse or fail, and what was sent
 * (rendered by the same view as the Discord poster).
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
    async send(channelId, post) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (state.refused.has(channelId)) throw new PostRefused(`Discord refused the post in <#${channelId}>: Missing Permissions.`);
      if (state.failures > 0) {
        state.failures -= 1;
        throw new Error('socket hang up');
      }
      const messageId = String(nextId++);
      const { message, threadName } = dailyPostView(post);
      state.sent.push({ channelId, messageId, card: post.card, message, ...(threadName ? { threadName } : {}) });
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

/** The shipped corpus as every server's library, as the bot has it. */
export async function testLibrary(): Promise<Library> {
  return shippedLibrary(await shippedCorpus());
}

/**
 * The minute beat, fired by the test instead of node-cron: each `fire` is one beat at
 * the clock's time, resolved when the posts it started (and any still going) are done.
 */
export function manualTicker(clock: { now: number }) {
  let onTick: ((at: Date) => Promise<void>) | undefined;
  const ticker: Ticker = (callback) => {
    onTick = callback;
    return {
      async stop() {
        onTick = undefined;
      },
    };
  };
  return { ticker, fire: () => onTick?.(new Date(clock.now)) ?? Promise.resolve() };
}

/** One bot process: a daily service on its store and the test's clock, and the beat the test fires. */
export interface BotProcess {
  service: DailyService;
  /** One minute's beat at the clock's time; resolves when its posts are done. */
  tick(): Promise<void>;
}

/** Starts one bot process on the given store, with the test's clock and a ticker the test fires. */
export async function startProcess(options: { store: Store; poster: DailyPoster; clock: { now: number }; logger: Logger }): Promise<BotProcess> {
  const beat = manualTicker(options.clock);
  const service = createDailyService({
    poster: options.poster,
    store: options.store,
    settings: createSettingsService({ store: options.store, logger: options.logger }),
    library: await testLibrary(),
    logger: options.logger,
    now: () => options.clock.now,
    ticker: beat.ticker,
  });
  await service.start();
  return { service, tick: beat.fire };
}
