import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { recordStore } from '../../lib/records.js';
import type { Store } from '../../lib/store.js';

const snowflake = z.string().regex(/^\d{1,20}$/);
const paragraph = z.number().int().min(1);
const dayNumber = z.number().int().min(1);

const planSchema = z
  .object({
    articleId: z.string().min(1).max(60),
    /** The article's title when the plan started, for /plan status if the article is removed meanwhile. */
    title: z.string().min(1),
    perDay: z.number().int().min(1).max(5),
    /** The first and last paragraphs the plan reads. */
    from: paragraph,
    to: paragraph,
    /** Reading days done, posted or skipped: the next post reads day `day + 1`. */
    day: z.number().int().min(0),
    /** Days skipped with /plan skip, left out of what the closing post says was read. */
    skipped: z.array(dayNumber).default([]),
    /** The latest post and the day it showed (past the last day: the closing post), so a retried post of that date shows it again and moves nothing. */
    last: z.object({ date: z.iso.date(), day: dayNumber }).optional(),
    /** When the closing post was made: the plan is over and the quotes are back. */
    endedOn: z.iso.date().optional(),
    /** When it started: tells this plan from one started after it (a post under way for the old one moves nothing). */
    startedAt: z.iso.datetime(),
    startedBy: snowflake,
  })
  .refine((plan) => plan.from <= plan.to, { message: 'from is after to', path: ['from'] });

export type Plan = z.output<typeof planSchema>;

/** Each server's reading plan (namespace `plans`, one record per server); an unreadable one is set aside and the quotes go on. */
export function createPlanStore(store: Store, logger: Logger) {
  const plans = recordStore(store.namespace('plans'), planSchema, logger, 'reading plan');
  return {
    get: (guildId: string) => plans.get(guildId),
    save: (guildId: string, plan: Plan) => plans.set(guildId, plan),
    delete: (guildId: string) => plans.delete(guildId),
  };
}
