import { z } from 'zod';
import type { Library } from '../../library/library.js';
import { articlesNamed } from '../../library/references.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import { UserError } from '../../lib/errors.js';
import { parseInput } from '../../lib/input.js';
import type { Logger } from '../../lib/logger.js';
import type { Store } from '../../lib/store.js';
import type { DailyService, DailyStatus } from '../daily/service.js';
import { checkArticleId } from '../passage/service.js';
import { afterSkip, articleOf, daysOf, spanOf, type Span } from './progress.js';
import { createPlanStore, type Plan } from './store.js';

/** What `/plan start` was given, as Discord passes it, by the options' names. */
const startSchema = z.object({
  article: z.string().trim(),
  per_day: z.number().int().min(1).max(5).nullable().transform((value) => value ?? 1),
  from: z.number().int().min(1).nullable().transform((value) => value ?? 1),
});
type StartInput = z.input<typeof startSchema>;

export interface PlanStatus {
  plan: Plan;
  days: number;
  /** The next day's reading; absent when only the closing post is left (or the plan is over). */
  next?: Span;
  /** The article was removed from the library since the plan started. */
  articleGone: boolean;
  /** The daily post that carries the plan; absent when none is set up. */
  daily?: DailyStatus;
}

export type PlanService = ReturnType<typeof createPlanService>;

interface PlanDeps {
  store: Store;
  library: Library;
  /** The daily post that carries the plan: a plan needs one. */
  daily: Pick<DailyService, 'status'>;
  logger: Logger;
  now?: () => number;
}

/**
 * `/plan`: each server's reading plan, kept in the store (one record per server). The
 * daily post reads and moves it (posts.ts); here it is started, shown, skipped and stopped.
 */
export function createPlanService(deps: PlanDeps) {
  const { library, logger } = deps;
  const now = deps.now ?? Date.now;
  const plans = createPlanStore(deps.store, logger);
  // One chain per server, so two admins' commands never interleave their read and write.
  const serial = createKeyedQueue();

  async function dailyOf(guildId: string): Promise<DailyStatus | undefined> {
    const status = await deps.daily.status(guildId);
    return status && !('unreadable' in status) ? status : undefined;
  }

  async function statusOf(guildId: string, plan: Plan): Promise<PlanStatus> {
    const days = daysOf(plan);
    const daily = await dailyOf(guildId);
    return {
      plan,
      days,
      ...(plan.endedOn === undefined && plan.day < days ? { next: spanOf(plan, plan.day + 1) } : {}),
      articleGone: !articleOf((await library.forGuild(guildId)).corpus, plan),
      ...(daily ? { daily } : {}),
    };
  }

  /** The running plan (not one that is over), or a UserError saying there is none. */
  async function running(guildId: string): Promise<Plan> {
    const plan = await plans.get(guildId);
    if (!plan || plan.endedOn) throw new UserError('No reading plan is running on this server: `/plan start` begins one.');
    return plan;
  }

  return {
    /** Starts a plan of an article of the server's library; refused while one runs, or without a daily post to carry it. */
    start(guildId: string, userId: string, input: StartInput): Promise<PlanStatus> {
      return serial.run(guildId, async () => {
        const { article: typed, per_day: perDay, from } = parseInput(startSchema, input, 'article');
        const existing = await plans.get(guildId);
        if (existing && !existing.endedOn) {
          throw new UserError(`A reading plan of \`${existing.articleId}\` is already running (day ${existing.day} of ${daysOf(existing)}): \`/plan stop\` ends it first.`);
        }
        if (!(await dailyOf(guildId))) throw new UserError('A reading plan walks through the daily post, and none is set up here: start one with `/daily set`, then `/plan start`.');
        const corpus = (await library.forGuild(guildId)).corpus;
        if (typed === '') throw new UserError('Name the article to read: `/articles` lists them.');
        // An id, or a name that fits one article; else one sentence naming the nearest id.
        const named = articlesNamed(corpus, typed);
        const article = named.length === 1 ? named[0]! : corpus.byId.get(checkArticleId(corpus, typed)!)!;
        const count = article.paragraphs.length;
        if (from > count) throw new UserError(`\`${article.id}\` has paragraphs 1 to ${count}, so \`from\` cannot be ${from}.`);
        const plan: Plan = { articleId: article.id, title: article.title, perDay, from, to: count, day: 0, skipped: [], startedAt: new Date(now()).toISOString(), startedBy: userId };
        await plans.save(guildId, plan);
        logger.info({ guildId, articleId: article.id, perDay, from, days: daysOf(plan) }, 'reading plan started');
        return statusOf(guildId, plan);
      });
    },

    /** The server's plan, running or over; undefined when it has none. */
    async status(guildId: string): Promise<PlanStatus | undefined> {
      const plan = await plans.get(guildId);
      return plan && statusOf(guildId, plan);
    },

    /** Moves the plan on a day without posting it: the skipped reading and the status after. */
    skip(guildId: string): Promise<{ skipped: Span; status: PlanStatus }> {
      return serial.run(guildId, async () => {
        const plan = await running(guildId);
        const after = afterSkip(plan);
        if (!after) throw new UserError('Only the closing post is left: it comes with the next daily post, or `/plan stop` ends the plan without it.');
        await plans.save(guildId, after);
        logger.info({ guildId, articleId: plan.articleId, day: after.day }, 'reading plan day skipped');
        return { skipped: spanOf(plan, after.day), status: await statusOf(guildId, after) };
      });
    },

    /** Ends the plan at once, without a closing post: the daily quotes come back. */
    stop(guildId: string): Promise<PlanStatus> {
      return serial.run(guildId, async () => {
        const plan = await running(guildId);
        await plans.delete(guildId);
        logger.info({ guildId, articleId: plan.articleId, day: plan.day }, 'reading plan stopped');
        return statusOf(guildId, plan);
      });
    },

    /** The bot left the server: its plan goes. */
    forgetGuild: (guildId: string) => serial.run(guildId, () => plans.delete(guildId)),
  };
}
