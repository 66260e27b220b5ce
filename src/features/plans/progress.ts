import type { Article, Corpus } from '../../library/corpus.js';
import type { Plan } from './store.js';

/** Paragraphs `from` to `to` of the plan's article. */
export interface Span {
  from: number;
  to: number;
}

/** What the daily post shows for a plan: a day's reading, or the closing post after the last day. */
export type PlanPost =
  | ({ kind: 'reading'; startedAt: string; day: number; days: number } & Span)
  /** The closing post: the plan's whole span, and what of it was read and skipped. */
  | ({ kind: 'closing'; startedAt: string; days: number; read: Span[]; skipped: Span[] } & Span);

/** The plan's article in the server's library; undefined once removed (or replaced by a shorter one) since the plan started. */
export function articleOf(corpus: Corpus, plan: Plan): Article | undefined {
  const article = corpus.byId.get(plan.articleId);
  return article && article.paragraphs.length >= plan.to ? article : undefined;
}

/** How many reading days the plan has. */
export function daysOf(plan: Pick<Plan, 'from' | 'to' | 'perDay'>): number {
  return Math.ceil((plan.to - plan.from + 1) / plan.perDay);
}

/** The paragraphs of reading day `day` (from 1). */
export function spanOf(plan: Pick<Plan, 'from' | 'to' | 'perDay'>, day: number): Span {
  const from = plan.from + (day - 1) * plan.perDay;
  return { from, to: Math.min(plan.to, from + plan.perDay - 1) };
}

/** The days 1..days that `keep` takes, as runs of consecutive paragraphs. */
function spans(plan: Plan, keep: (day: number) => boolean): Span[] {
  const runs: Span[] = [];
  for (let day = 1; day <= daysOf(plan); day++) {
    if (!keep(day)) continue;
    const span = spanOf(plan, day);
    const last = runs.at(-1);
    if (last && last.to + 1 === span.from) last.to = span.to;
    else runs.push(span);
  }
  return runs;
}

/**
 * The day the post of `date` shows (past the last day: the closing post), or undefined
 * once the plan is over. A date that already has its post shows that day again, so a
 * post retried or found after a crash is the same post; without a date (the preview),
 * the next new post.
 */
export function dueDay(plan: Plan, date?: string): number | undefined {
  if (date !== undefined && plan.last?.date === date) return plan.last.day;
  return plan.endedOn === undefined ? plan.day + 1 : undefined;
}

export function postOf(plan: Plan, day: number): PlanPost {
  const days = daysOf(plan);
  if (day <= days) return { kind: 'reading', startedAt: plan.startedAt, day, days, ...spanOf(plan, day) };
  const skipped = new Set(plan.skipped);
  return { kind: 'closing', startedAt: plan.startedAt, days, from: plan.from, to: plan.to, read: spans(plan, (d) => !skipped.has(d)), skipped: spans(plan, (d) => skipped.has(d)) };
}

/** The day a post shows: its reading day, or the one after the last for the closing post. */
export function dayOfPost(post: PlanPost): number {
  return post.kind === 'reading' ? post.day : post.days + 1;
}

/**
 * The plan once the post of `date` showing `day` is made: it moves once per date (a
 * retried post of the same date changes nothing), and the closing post ends it. A skip
 * made while the post was under way stays a skip of the day after.
 */
export function afterPost(plan: Plan, date: string, day: number): Plan {
  if (plan.last?.date === date) return plan;
  const days = daysOf(plan);
  return {
    ...plan,
    day: Math.max(plan.day, Math.min(day, days)),
    skipped: plan.skipped.filter((skipped) => skipped !== day),
    last: { date, day },
    ...(day > days ? { endedOn: date } : {}),
  };
}

/** The plan with its next reading day skipped; undefined when only the closing post is left. */
export function afterSkip(plan: Plan): Plan | undefined {
  const next = plan.day + 1;
  if (next > daysOf(plan)) return undefined;
  return { ...plan, day: next, skipped: [...plan.skipped, next] };
}
