import type { APIEmbed } from 'discord.js';
import { pino } from 'pino';
import type { QuoteCard } from '../../../src/features/daily/card.js';
import { createDailyService, PostRefused, type DailyPoster, type DailyService } from '../../../src/features/daily/service.js';
import type { Ticker } from '../../../src/features/daily/ticker.js';
import { dailyPostView, isDailyPostOf, threadName as threadNameOf, type QuoteMessage } from '../../../src/features/daily/views.js';
import type { Logger } from '../../../src/lib/logger.js';
import type { Store } from '../../../src/lib/store.js';
import { shippedLibrary, type Library } from '../../../src/library/library.js';
import { createSettingsService, type SettingsService } from '../../../src/features/settings/service.js';
import { shippedCorpus } from '../../helpers/context.js';
import { toBody } from '../../helpers/payload.js';
import { createHistoryService, type HistoryService } from '../../../src/features/history/service.js';

export const GUILD = '200000000000000001';
export const OTHER_GUILD = '200000000000000002';
export const CHANNEL = '200000000000000010';
export const OTHER_CHANNEL = '200000000000000020';
export const ROLE = '200000000000000030';

interface SentMessage {
  channelId: string;
  messageId: string;
  /** The clock's time when Discord took it. */
  at: number;
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
export function fakeDiscord(clock: { now: number } = { now: 0 }) {
  let nextId = 300_000_000_000_000_000n;
  const state = {
    guilds: new Set([GUILD, OTHER_GUILD]),
    /** roles deleted from their server */
    deletedRoles: new Set<string>(),
    /** channel id -> what checkChannel reports */
    problems: new Map<string, string>(),
    /** channel id -> Discord refuses the send (e.g. permission removed in between) */
    refused: new Set<string>(),
    /** channel id -> Discord refuses to start threads there */
    threadsRefused: new Set<string>(),
    /** channel id -> the bot cannot read the channel's history */
    historyHidden: new Set<string>(),
    /** the next sends throw a passing error (network, 5xx) */
    failures: 0,
    /** the next sends are made, but their answer is lost on the way back (the send throws) */
    lostAnswers: 0,
    /** while set, sends wait for it (a post held by Discord's rate limits) */
    held: undefined as Promise<void> | undefined,
    sent: [] as SentMessage[],
    /** every findPost asked, as `channel date` */
    searches: [] as string[],
  };
  const poster: DailyPoster = {
    holdsGuild: (guildId) => state.guilds.has(guildId),
    hasRole: (_guildId, roleId) => !state.deletedRoles.has(roleId),
    checkChannel: async (_guildId, channelId) => state.problems.get(channelId),
    async send(channelId, post) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await state.held;
      if (state.refused.has(channelId)) throw new PostRefused(`Discord refused the post in <#${channelId}>: Missing Permissions.`);
      if (state.failures > 0) {
        state.failures -= 1;
        throw new Error('Discord answered 500 Internal Server Error');
      }
      const messageId = String(nextId++);
      const { message, threadName } = dailyPostView(post);
      const thread = threadName && !state.threadsRefused.has(channelId) ? { threadName } : {};
      state.sent.push({ channelId, messageId, at: clock.now, card: post.card, message, ...thread });
      if (state.lostAnswers > 0) {
        state.lostAnswers -= 1;
        throw new Error('socket hang up');
      }
      if (threadName && state.threadsRefused.has(channelId)) {
        return { messageId, threadFailure: { reason: `Discord refused the thread in <#${channelId}>: Missing Permissions.`, refused: true } };
      }
      return { messageId };
    },
    async findPost(channelId, date, since) {
      state.searches.push(`${channelId} ${date}`);
      if (state.historyHidden.has(channelId)) throw new PostRefused(`I am missing the **Read Message History** permission in <#${channelId}>.`);
      // As the Discord poster does: the bot's messages since a minute before `since`, recognised by their embed.
      const mine = state.sent.find((sent) => sent.channelId === channelId && sent.at >= +since - 60_000 && isDailyPostOf((toBody(sent.message).embeds as APIEmbed[] | undefined)?.[0], date));
      return mine ? { messageId: mine.messageId, hasThread: mine.threadName !== undefined } : undefined;
    },
    async startThread(_channelId, messageId, post) {
      state.sent.find((sent) => sent.messageId === messageId)!.threadName = threadNameOf(post.card.prompt);
      return undefined;
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
  /** Where the process records its posts. */
  history: HistoryService;
  /** The process's settings service (it caches what it read). */
  settings: SettingsService;
  /** One minute's beat at the clock's time; resolves when its posts are done. */
  tick(): Promise<void>;
}

/** Starts one bot process on the given store, with the test's clock and a ticker the test fires. */
export async function startProcess(options: { store: Store; poster: DailyPoster; clock: { now: number }; logger: Logger }): Promise<BotProcess> {
  const beat = manualTicker(options.clock);
  const settings = createSettingsService({ store: options.store, logger: options.logger });
  const history = createHistoryService({ store: options.store, logger: options.logger, settings, now: () => options.clock.now });
  const service = createDailyService({
    poster: options.poster,
    store: options.store,
    settings,
    library: await testLibrary(),
    history,
    logger: options.logger,
    now: () => options.clock.now,
    ticker: beat.ticker,
  });
  await service.start();
  return { service, history, settings, tick: beat.fire };
}
