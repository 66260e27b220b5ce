import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  messageLink,
  time,
  TimestampStyles,
  type BaseMessageOptions,
  type MessageMentionOptions,
} from 'discord.js';
import type { Prompt } from '../../library/prompts.js';
import { LIMITS, quoteInput, truncate } from '../../lib/ui/limits.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { showId } from '../passage/ids.js';
import { passageFooter } from '../passage/views.js';
import { PLAN_AUTHOR, planPostMessage } from '../plans/views.js';
import type { QuoteCard } from './card.js';
import { formatDays, formatLocal, localDate } from './schedule.js';
import type { DailyPost, DailyPreview, DailyStatus, PostOutcome, UnfinishedPost, UnreadableSchedule } from './service.js';
import type { LastPost } from './store.js';

/** A message that always says who it may ping: nobody, or the one role an admin chose. */
type Reply = BaseMessageOptions & { allowedMentions: MessageMentionOptions };
export type QuoteMessage = Reply;

const NOBODY: MessageMentionOptions = { parse: [] };
const THREAD_NAME_MAX = 100;
const DAILY_AUTHOR = 'Quote of the day';
/** The end of a daily post's footer: its date, which is how the bot finds its own post of a date in the channel. */
const dateMark = (date: string) => ` · ${date}`;

interface QuoteMessageOptions {
  /** `daily` for the scheduled post and its preview, `quote` for /quote. */
  kind: 'daily' | 'quote';
  /** The role pinged by the daily post; nothing is pinged without one. */
  roleId?: string;
  /** The daily post's local date, `YYYY-MM-DD`, shown at the end of its footer. */
  date?: string;
}

/**
 * The daily post and /quote share this format: the quote in an embed with its article
 * and reference, who speaks when the article says, the discussion prompt, and a button
 * that opens the whole passage.
 */
export function quoteMessage(card: QuoteCard, options: QuoteMessageOptions): QuoteMessage {
  const { quote, prompt, article, speaker } = card;
  const embed = new EmbedBuilder()
    .setColor(COLOURS.daily)
    .setAuthor({ name: options.kind === 'daily' ? DAILY_AUTHOR : 'A quote to discuss' })
    .setTitle(truncate(article.title, LIMITS.embedTitle))
    .setDescription(`> ${escapeMarkdown(quote.text)}${speaker ? `\n— ${escapeMarkdown(speaker)}` : ''}`)
    .addFields({ name: 'Discuss', value: truncate(escapeMarkdown(prompt.text), LIMITS.fieldValue) })
    .setFooter({ text: footerText(passageFooter({ article, from: quote.paragraph, to: quote.paragraph }), options.date) });
  const button = new ButtonBuilder()
    .setStyle(ButtonStyle.Secondary)
    .setCustomId(showId.encode(quote.ref))
    .setLabel(`Read the whole passage (${truncate(quote.ref, 50)})`)
    .setEmoji({ name: '📖' });
  return pinging({ embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] }, options.roleId);
}

/** The message pinging the role, or nobody without one. */
function pinging(message: BaseMessageOptions, roleId: string | undefined): QuoteMessage {
  return roleId ? { ...message, allowedMentions: { parse: [], roles: [roleId] }, content: `<@&${roleId}>` } : { ...message, allowedMentions: NOBODY };
}

/** The daily post of a date (or its preview): the reading plan's post while one runs, else the quote. */
function dailyMessage(post: Pick<DailyPost, 'card' | 'plan' | 'roleId'> & { date?: string }): QuoteMessage {
  const { card, plan, roleId, date } = post;
  if (plan) return pinging(planPostMessage(card, plan, (footer) => footerText(footer, date)), roleId);
  return quoteMessage(card, { kind: 'daily', ...(date ? { date } : {}), ...(roleId ? { roleId } : {}) });
}

function footerText(footer: string, date: string | undefined): string {
  return date ? `${truncate(footer, LIMITS.footer - dateMark(date).length)}${dateMark(date)}` : footer;
}

/** Whether a message's first embed is the daily post of `date` (the caller checks that the bot wrote it). */
export function isDailyPostOf(embed: { author?: { name: string } | null; footer?: { text: string } | null } | undefined, date: string): boolean {
  const author = embed?.author?.name ?? '';
  return (author === DAILY_AUTHOR || author.startsWith(PLAN_AUTHOR)) && (embed?.footer?.text.endsWith(dateMark(date)) ?? false);
}

/**
 * The thread's name: the prompt's own `thread` name, else the whole prompt when it fits
 * in 100 characters, else its closing question when that is long enough to stand
 * alone, else the prompt cut at a word.
 */
export function threadName(prompt: Pick<Prompt, 'text' | 'thread'>): string {
  if (prompt.thread) return truncate(prompt.thread, THREAD_NAME_MAX);
  const text = prompt.text.replace(/\s+/g, ' ').trim();
  if (text.length <= THREAD_NAME_MAX) return text;
  const question = /(?:^|[.!?]["”’]?\s)([^.!?]+\?)$/.exec(text)?.[1]?.trim();
  if (question && question.length >= 30 && question.length <= THREAD_NAME_MAX) return question;
  return truncate(text, THREAD_NAME_MAX);
}

/** The scheduled post as sent: the quote message pinging its role, and its thread's name when it has one. */
export function dailyPostView(post: DailyPost): { message: QuoteMessage; threadName?: string } {
  const message = dailyMessage(post);
  return post.thread ? { message, threadName: threadName(post.card.prompt) } : { message };
}

/** `Monday 6 January 2025, 09:00 (Asia/Almaty)`, then Discord's own timestamp: full and relative. */
function whenText(at: Date, timezone: string): string {
  return `${formatLocal(at, timezone)}\n${time(at, TimestampStyles.LongDateTime)} (${time(at, TimestampStyles.RelativeTime)})`;
}

/** The schedule as an embed; `withNext: false` leaves out the next post (the `/daily set` reply says it in its text). */
function scheduleEmbed(guildId: string, status: DailyStatus, title: string, withNext = true): EmbedBuilder {
  const { schedule, next } = status;
  const embed = new EmbedBuilder()
    .setColor(schedule.pausedReason ? COLOURS.warning : COLOURS.daily)
    .setTitle(title)
    .addFields(
      { name: 'Channel', value: `<#${schedule.channelId}>`, inline: true },
      { name: 'Time', value: `${schedule.time} ${schedule.timezone}`, inline: true },
      { name: 'Days', value: formatDays(schedule.days), inline: true },
      { name: 'Thread', value: schedule.thread ? 'a public thread on each post' : 'no thread', inline: true },
      { name: 'Ping', value: pingText(schedule), inline: true },
    );
  if (schedule.pausedReason) {
    embed.addFields({ name: 'Paused', value: `${schedule.pausedReason}\nFix that, then run \`/daily set\` again to resume.`, inline: false });
  }
  if (status.unfinished) {
    embed.addFields({ name: `Post of ${status.unfinished.date}`, value: unfinishedText(status.unfinished, schedule.channelId), inline: false });
  }
  if (schedule.offAt) {
    embed.addFields({ name: 'Off', value: `Turned off ${time(new Date(schedule.offAt), TimestampStyles.RelativeTime)}. \`/daily set\` with no options turns it back on as shown here.`, inline: false });
  }
  if (withNext && !schedule.pausedReason && next) {
    embed.addFields({ name: 'Next post', value: whenText(next, schedule.timezone), inline: false });
  }
  const last = schedule.lastPost;
  embed.addFields({
    name: 'Last post',
    value: last ? `[${last.date}](${messageLink(last.channelId, last.messageId, guildId)}) in <#${last.channelId}>, ${time(new Date(last.at), TimestampStyles.RelativeTime)}` : 'none yet',
    inline: false,
  });
  return embed;
}

function pingText(schedule: DailyStatus['schedule']): string {
  if (schedule.roleId) return `<@&${schedule.roleId}>`;
  return schedule.deletedRoleId ? 'nobody: the role it pinged was deleted, so posts go out without a ping (choose another with `/daily set`)' : 'nobody';
}

/** A reason as part of a sentence: short, without its own full stop. */
function clause(reason: string): string {
  return truncate(reason, 300).replace(/\.$/, '');
}

/** Where the post of a date stands when it was tried and is not recorded: under way, cut short, or failed. */
function unfinishedText(unfinished: UnfinishedPost, channelId: string): string {
  const next = unfinished.retryAt ? ` Next try ${time(unfinished.retryAt, TimestampStyles.LongDateTime)} (${time(unfinished.retryAt, TimestampStyles.RelativeTime)}).` : '';
  if (!unfinished.failure) {
    return `Not confirmed yet: a try started ${time(unfinished.at, TimestampStyles.RelativeTime)} and Discord has not confirmed the post. Before posting again I look for it in <#${channelId}>, so it is made once.${next}`;
  }
  const failed = `Try ${unfinished.tries} failed: ${clause(unfinished.failure)}`;
  return unfinished.retryAt ? `${failed}.${next}` : `${failed}. No more tries: the post would be over 6 hours late, so no post is made for that date.`;
}

/**
 * The reply to `/daily set`: one labelled line on the next post, in the server's timezone
 * and in the reader's own (a Discord timestamp), then any notes, then the schedule.
 */
export function setView(guildId: string, status: DailyStatus, notes: string[] = []): Reply {
  const next = status.next!;
  const line = `The daily post is set. **Next post:** ${formatLocal(next, status.schedule.timezone)}, that is ${time(next, TimestampStyles.ShortDateTime)} your time (${time(next, TimestampStyles.RelativeTime)}).`;
  return { content: [line, ...notes].join('\n'), embeds: [scheduleEmbed(guildId, status, 'Daily post', false)], allowedMentions: NOBODY };
}

/** Says how a typed timezone was read when it was not the zone's own name (`EST` → America/New_York, `alma` → Asia/Almaty). */
export function readAsNote(typed: string | null, timezone: string): string[] {
  if (!typed || typed.trim().toLowerCase() === timezone.toLowerCase()) return [];
  return [`\`${quoteInput(typed.trim(), 40)}\` is read as **${timezone}**.`];
}

/** `/daily status`: the schedule, the next post, the last post with a link, or why it is paused. */
export function statusView(guildId: string, status: DailyStatus | UnreadableSchedule | undefined): Reply {
  if (!status) return { content: 'No daily post is set up on this server. An admin can start one with `/daily set`.', allowedMentions: NOBODY };
  if ('unreadable' in status) {
    return { content: "This server's daily schedule could not be read, so it was set aside and no post is made: an admin can start over with `/daily set`.", allowedMentions: NOBODY };
  }
  const title = status.schedule.offAt ? 'Daily post (off)' : status.schedule.pausedReason ? 'Daily post (paused)' : 'Daily post';
  return { embeds: [scheduleEmbed(guildId, status, title)], allowedMentions: NOBODY };
}

/** `/daily preview`: the next post as it will look, with a line on where and when; it pings nobody. */
export function previewView(preview: DailyPreview): Reply {
  const status = preview.status;
  let intro = 'Preview of the next daily post, shown only to you.';
  if (!status) intro += ' No schedule is set yet: `/daily set` starts one.';
  else if (status.schedule.offAt) intro += ' The daily post is off: `/daily set` turns it back on.';
  else if (status.schedule.pausedReason) intro += ` The daily post is paused: ${status.schedule.pausedReason}`;
  else if (status.next) {
    const ping = status.schedule.roleId ? `, pinging <@&${status.schedule.roleId}>` : '';
    const thread = status.schedule.thread ? ', with a thread' : '';
    intro += ` It goes to <#${status.schedule.channelId}> ${time(status.next, TimestampStyles.LongDateTime)}${ping}${thread}.`;
  }
  const date = status?.next ? localDate(status.next, status.schedule.timezone) : undefined;
  return { ...dailyMessage({ card: preview.card, ...(preview.plan ? { plan: preview.plan } : {}), ...(date ? { date } : {}) }), content: intro, allowedMentions: NOBODY };
}

/** `/daily now`: where the post went. */
export function postedView(guildId: string, posted: { lastPost: Pick<LastPost, 'channelId' | 'messageId' | 'date'>; threadFailure?: string; pausedReason?: string }): Reply {
  const lines = [`Today's post (${posted.lastPost.date}) is up: ${messageLink(posted.lastPost.channelId, posted.lastPost.messageId, guildId)}. It counts as today's post, so no other is made today.`];
  if (posted.threadFailure) lines.push(`I could not start its thread: ${posted.threadFailure}`);
  if (posted.pausedReason) lines.push('The daily post is paused until you fix that and run `/daily set` again.');
  return { content: lines.join('\n'), allowedMentions: NOBODY };
}

/** Why `/daily now` made no post. */
export function notPostedText(guildId: string, outcome: Exclude<PostOutcome, { kind: 'posted' }>): string {
  switch (outcome.kind) {
    case 'unscheduled':
      return 'There is no daily post here yet: set one up with `/daily set`.';
    case 'off':
      return 'The daily post is off: `/daily set` turns it back on, with its channel and time as they were.';
    case 'paused':
      return `The daily post is paused: ${outcome.reason} Fix that and run \`/daily set\` to resume it.`;
    case 'refused':
      return `I could not post: ${outcome.reason} The daily post is paused until you run \`/daily set\` again.`;
    case 'already':
      return outcome.lastPost
        ? `Today's post (${outcome.date}) is [already up](${messageLink(outcome.lastPost.channelId, outcome.lastPost.messageId, guildId)}).`
        : `Today's post (${outcome.date}) has already been made.`;
    case 'pending':
      return `Today's post (${outcome.date}) was started ${time(outcome.since, TimestampStyles.RelativeTime)} and is not confirmed yet: if it has not been recorded by ${time(outcome.checkAt, TimestampStyles.ShortTime)}, I look for it in the channel and post it only if it is not there.`;
    case 'failed':
      return outcome.retryAt
        ? `I could not post today's quote (${clause(outcome.reason)}), so I will try again ${time(outcome.retryAt, TimestampStyles.RelativeTime)}; \`/daily status\` shows how it goes.`
        : `I could not post today's quote (${clause(outcome.reason)}), and it is too late in the day to try again.`;
  }
}

/** `/daily off`. */
export function offText(outcome: 'off' | 'already off' | 'none'): string {
  if (outcome === 'none') return 'There was no daily post to stop on this server.';
  const kept = '`/daily set` with no options turns it back on with the same channel, time and options, and the quotes carry on where they stopped.';
  return `${outcome === 'off' ? 'The daily post is off' : 'The daily post was already off'}; its setup is kept. ${kept}`;
}

/** `/daily set|off|now` by a member without Manage Server. */
export function needsManageServerText(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/daily ${subcommand}\`.`;
}

/** What `/daily set` says about the channel and the role, one sentence each. */
export const setCheckText = {
  cannotCheckPermissions: (channelId: string) => `I cannot check my permissions in <#${channelId}>: make sure I have **View Channel** there, then try again.`,
  /** `missing` says which permissions, e.g. from `describeMissing`. */
  cannotPostThere: (missing: string) => `I cannot post the daily quote there. ${missing}`,
  everyone: 'The daily post does not ping @everyone: choose a role, or leave `role` out.',
  roleNotMentionable: (roleId: string) =>
    `Note: <@&${roleId}> is not mentionable and I lack **Mention @everyone, @here, and All Roles**, so the ping will not notify anyone. Make the role mentionable to fix it.`,
};
