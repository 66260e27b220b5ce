import type { Corpus } from '../../library/corpus.js';
import { dayOf, spanOfRef, type Entry, type EntryLinks } from '../history/entry.js';
import type { PlanStatus } from '../plans/service.js';

/** Where a recorded post points, as Discord answers now: a thread (with its replies when Discord gives them), a message, or gone. */
export type RecapLink =
  | { kind: 'thread'; url: string; replies?: number }
  | { kind: 'message'; url: string; threadDeleted?: boolean }
  | { kind: 'thread deleted' }
  | { kind: 'message deleted' }
  | { kind: 'none' };

/** What a recap line says about a passage: its reference and title then, and whether its article is still in the library. */
export interface RecapPassage {
  ref: string;
  title: string;
  removed: boolean;
}

export interface RecapPost extends RecapPassage {
  kind: 'daily' | 'plan';
  /** The post's local date (daily and plan posts are one per date). */
  date: string;
  at: number;
  link: RecapLink;
}

export interface RecapPoll extends RecapPassage {
  at: number;
  options: string[];
  counts: number[];
  voters: number;
  closed: boolean;
  link: RecapLink;
}

interface RecapNoted extends RecapPassage {
  notes: number;
}

/** The reading plan as the recap tells it: running (day and next reading) or finished within the period. */
export type RecapPlan =
  | { kind: 'running'; title: string; articleId: string; day: number; days: number; next?: { from: number; to: number }; removed: boolean }
  | { kind: 'finished'; title: string; articleId: string; endedOn: string };

/** What the group did in a period: the view caps each list to fit Discord's limits. */
export interface Recap {
  days: number;
  from: number;
  to: number;
  posts: RecapPost[];
  polls: RecapPoll[];
  noted: RecapNoted[];
  plan?: RecapPlan;
}

/** How many posts and polls a recap shows (and checks the links of); the rest are counted as "and N more". */
export const SHOWN_POSTS = 15;
export const SHOWN_POLLS = 8;
export const SHOWN_NOTED = 5;

const DAY = 24 * 60 * 60 * 1000;

/** Where a period of `days` days ending at `now` begins. */
export function periodStart(now: number, days: number): number {
  return now - days * DAY;
}

/** The entries of the period split by kind, newest first, before any link is checked. */
function sortEntries(entries: Entry[], from: number) {
  const inPeriod = entries.filter((entry) => entry.at >= from).sort((a, b) => b.at - a.at);
  return {
    posts: inPeriod.filter((entry) => entry.kind === 'daily' || entry.kind === 'plan'),
    polls: inPeriod.filter((entry) => entry.kind === 'poll' && entry.poll),
    notes: inPeriod.filter((entry) => entry.kind === 'note'),
  };
}

function passageOf(entry: Pick<Entry, 'ref' | 'title'>, corpus: Pick<Corpus, 'byId'>): RecapPassage {
  const articleId = spanOfRef(entry.ref)?.articleId;
  return { ref: entry.ref, title: entry.title, removed: !articleId || !corpus.byId.has(articleId) };
}

/** The passages with the most notes in the period, most first (ties: the latest noted first). */
function mostNoted(notes: Entry[], corpus: Pick<Corpus, 'byId'>): RecapNoted[] {
  const byRef = new Map<string, { entry: Entry; notes: number }>();
  // `notes` is newest first: the first entry of a reference carries its latest title.
  for (const entry of notes) {
    const seen = byRef.get(entry.ref);
    if (seen) seen.notes += 1;
    else byRef.set(entry.ref, { entry, notes: 1 });
  }
  return [...byRef.values()].sort((a, b) => b.notes - a.notes || b.entry.at - a.entry.at).map(({ entry, notes: count }) => ({ ...passageOf(entry, corpus), notes: count }));
}

/** A post's link as Discord answers now: its thread first (the discussion), else its message. */
export function linkOf(checked: EntryLinks | undefined): RecapLink {
  if (checked?.thread) {
    if (!checked.thread.deleted) return { kind: 'thread', url: checked.thread.url, ...(checked.thread.messageCount !== undefined ? { replies: checked.thread.messageCount } : {}) };
    // The thread is gone; the post itself may still be there.
    if (checked.message && !checked.message.deleted) return { kind: 'message', url: checked.message.url, threadDeleted: true };
    return { kind: 'thread deleted' };
  }
  if (checked?.message) return checked.message.deleted ? { kind: 'message deleted' } : { kind: 'message', url: checked.message.url };
  return { kind: 'none' };
}

/** The plan as of now: running, or finished in the period; nothing for a plan that ended before it. */
function planOf(status: PlanStatus | undefined, fromDate: string): RecapPlan | undefined {
  if (!status) return undefined;
  const { plan } = status;
  if (plan.endedOn) return plan.endedOn >= fromDate ? { kind: 'finished', title: plan.title, articleId: plan.articleId, endedOn: plan.endedOn } : undefined;
  return { kind: 'running', title: plan.title, articleId: plan.articleId, day: plan.day, days: status.days, ...(status.next ? { next: status.next } : {}), removed: status.articleGone };
}

interface AssembleInput {
  days: number;
  now: number;
  entries: Entry[];
  corpus: Pick<Corpus, 'byId'>;
  /** The links of the posts and polls shown, in the order given (`checkLinks`' answer). */
  links: (entries: Entry[]) => Promise<RecapLink[]>;
  plan?: PlanStatus;
}

/**
 * The recap of the `days` days before `now` from the history's entries: the daily and plan
 * posts, the passage polls, the most-noted passages and the plan. Only the posts and polls
 * shown have their links checked (two requests each); the others are counted.
 */
export async function assembleRecap(input: AssembleInput): Promise<Recap> {
  const from = periodStart(input.now, input.days);
  const { posts, polls, notes } = sortEntries(input.entries, from);
  const shown = [...posts.slice(0, SHOWN_POSTS), ...polls.slice(0, SHOWN_POLLS)];
  const links = await input.links(shown);
  const linkAt = new Map(shown.map((entry, index) => [entry.id, links[index] ?? { kind: 'none' as const }]));
  const link = (entry: Entry): RecapLink => linkAt.get(entry.id) ?? { kind: 'none' };
  const plan = planOf(input.plan, new Date(from).toISOString().slice(0, 10));
  return {
    days: input.days,
    from,
    to: input.now,
    posts: posts.map((entry) => ({
      ...passageOf(entry, input.corpus),
      kind: entry.kind as 'daily' | 'plan',
      date: dayOf(entry),
      at: entry.at,
      link: link(entry),
    })),
    polls: polls.map((entry) => ({ ...passageOf(entry, input.corpus), at: entry.at, ...entry.poll!, link: link(entry) })),
    noted: mostNoted(notes, input.corpus),
    ...(plan ? { plan } : {}),
  };
}
