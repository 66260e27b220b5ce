import { EmbedBuilder, escapeMarkdown, time, TimestampStyles, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import { formatRef } from '../../library/references.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { formatLocal } from '../daily/schedule.js';
import { SHOWN_NOTED, SHOWN_POLLS, SHOWN_POSTS, type Recap, type RecapLink, type RecapPassage, type RecapPlan, type RecapPoll, type RecapPost } from './assemble.js';

type Reply = BaseMessageOptions & { allowedMentions: MessageMentionOptions };

const NOBODY: MessageMentionOptions = { parse: [] };
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/**
 * Room for each part, so that the whole embed stays under Discord's 6,000 characters at any
 * size of history: the description (intro and posts) and three fields of at most 1,024.
 */
const POSTS_ROOM = 2_600;
const TITLE_ROOM = 80;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** A passage as a recap line names it: the reference, said removed when its article is gone, and the title then (member text: escaped). */
function passageText(passage: RecapPassage): string {
  const title = `*${escapeMarkdown(truncate(passage.title, TITLE_ROOM))}*`;
  return passage.removed ? `\`${passage.ref}\` (article removed) ${title}` : `\`${passage.ref}\` ${title}`;
}

/** A link, or why there is none: a deleted thread or message is text, never a broken link. */
function linkText(link: RecapLink, label: string): string {
  switch (link.kind) {
    case 'thread':
      return `[thread](${link.url})${link.replies === undefined ? '' : ` (${plural(link.replies, 'reply', 'replies')})`}`;
    case 'message':
      return `[${label}](${link.url})${link.threadDeleted ? ' · thread deleted' : ''}`;
    case 'thread deleted':
      return 'thread deleted';
    case 'message deleted':
      return 'message deleted';
    case 'none':
      return '';
  }
}

const joined = (...parts: string[]) => parts.filter(Boolean).join(' · ');

function postLine(post: RecapPost): string {
  return joined(`**${post.date}**${post.kind === 'plan' ? ' (reading plan)' : ''}`, passageText(post), linkText(post.link, 'post'));
}

/** `6 agree, 2 disagree, 1 unsure`: each option's count, as the poll's options name them. */
function countsText(options: string[], counts: number[]): string {
  return options.map((option, index) => `${counts[index] ?? 0} ${option.toLowerCase()}`).join(', ');
}

function pollLine(poll: RecapPoll): string {
  const outcome = poll.voters === 0 ? 'no votes' : countsText(poll.options, poll.counts);
  return joined(`${passageText(poll)}: ${outcome}`, poll.closed ? 'closed' : 'still open', linkText(poll.link, 'poll'));
}

function planText(plan: RecapPlan): string {
  const named = `**${escapeMarkdown(truncate(plan.title, TITLE_ROOM))}** (\`${plan.articleId}\`)`;
  if (plan.kind === 'finished') return `${named} finished on ${plan.endedOn}.`;
  const next = plan.next ? `\`${formatRef(plan.articleId, plan.next.from, plan.next.to)}\`` : 'the closing post';
  return `${named}: day ${plan.day} of ${plan.days}, next: ${next}.${plan.removed ? ' The article was removed from the library, so the daily post shows quotes.' : ''}`;
}

/**
 * As many lines as fit in `room` characters, at most `max`, then "and N more" for the rest
 * (`total` lines in all, some not given).
 */
function capped(lines: string[], total: number, room: number, max: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines.slice(0, max)) {
    const rest = total - kept.length - 1;
    // Room is kept for the closing line whenever lines would be left out.
    const closing = rest > 0 ? `\n…and ${rest} more`.length : 0;
    const cut = truncate(line, room);
    if (used + cut.length + 1 + closing > room) break;
    kept.push(cut);
    used += cut.length + 1;
  }
  const left = total - kept.length;
  return [...kept, ...(left > 0 ? [`…and ${left} more`] : [])].join('\n');
}

/** What the recap says when nothing happened in the period. */
function nothingText(recap: Recap): string {
  return `Nothing was posted, polled or noted on this server in the last ${plural(recap.days, 'day')}.`;
}

/** `/recap show` and the weekly post: the posts with their threads, the polls, the most-noted passages and the plan, inside Discord's limits at any size. */
export function recapView(recap: Recap, weekly = false): Reply {
  const { posts, polls, noted, plan } = recap;
  if (posts.length === 0 && polls.length === 0 && noted.length === 0) {
    const planLine = plan ? ` Reading plan: ${planText(plan)}` : '';
    return { content: `${nothingText(recap)}${planLine}`, allowedMentions: NOBODY };
  }
  const intro = `From ${time(new Date(recap.from), TimestampStyles.LongDate)} to ${time(new Date(recap.to), TimestampStyles.LongDate)}: ${plural(posts.length, 'passage')} posted, ${plural(polls.length, 'poll')}, ${plural(noted.reduce((sum, passage) => sum + passage.notes, 0), 'note')}.`;
  const discussed = posts.length > 0 ? `\n\n**Discussed**\n${capped(posts.map(postLine), posts.length, POSTS_ROOM, SHOWN_POSTS)}` : '';
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(weekly ? 'Weekly recap' : `Recap of the last ${plural(recap.days, 'day')}`)
    .setDescription(`${intro}${discussed}`);
  if (polls.length > 0) embed.addFields({ name: 'Polls', value: capped(polls.map(pollLine), polls.length, LIMITS.fieldValue, SHOWN_POLLS) });
  if (noted.length > 0) {
    const lines = noted.map((passage) => `${passageText(passage)}: ${plural(passage.notes, 'note')}`);
    embed.addFields({ name: 'Most noted', value: capped(lines, noted.length, LIMITS.fieldValue, SHOWN_NOTED) });
  }
  if (plan) embed.addFields({ name: 'Reading plan', value: truncate(planText(plan), LIMITS.fieldValue) });
  return { embeds: [embed], allowedMentions: NOBODY };
}

/** The weekly schedule as `/recap schedule` confirms it. */
export interface ScheduledRecap {
  day: number;
  time: string;
  timezone: string;
  channelId: string;
  next: Date;
  /** The daily post is paused: the recap waits with it. */
  pausedReason?: string;
}

export function scheduledView(scheduled: ScheduledRecap): Reply {
  const { next } = scheduled;
  const embed = new EmbedBuilder()
    .setColor(scheduled.pausedReason ? COLOURS.warning : COLOURS.info)
    .setTitle('Recap scheduled')
    .setDescription(
      `Every ${DAY_NAMES[scheduled.day - 1]} at ${scheduled.time} (${scheduled.timezone}) in <#${scheduled.channelId}>, the daily post's channel and timezone. It tells the last 7 days, and is skipped in a week with nothing to tell.`,
    )
    .addFields({ name: 'Next recap', value: `${formatLocal(next, scheduled.timezone)}, that is ${time(next, TimestampStyles.ShortDateTime)} your time (${time(next, TimestampStyles.RelativeTime)}).` });
  if (scheduled.pausedReason) {
    embed.addFields({ name: 'Waiting', value: truncate(`The daily post is paused, and the recap waits with it until \`/daily set\` resumes it: ${scheduled.pausedReason}`, LIMITS.fieldValue) });
  }
  return { embeds: [embed], allowedMentions: NOBODY };
}

export function offText(outcome: 'off' | 'none'): string {
  return outcome === 'off' ? 'The weekly recap is off. `/recap schedule` sets it again.' : 'There was no weekly recap to stop on this server.';
}

export const needsDailyText =
  "The weekly recap posts in the daily post's channel and timezone, and no daily post is set up here: run `/daily set` first, then `/recap schedule`.";

/** `/recap schedule|off` by a member without Manage Server. */
export function needsManageServerText(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/recap ${subcommand}\`.`;
}
