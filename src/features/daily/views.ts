import { TimestampStyles, messageLink, time, type APIEmbed, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { DAILY_COLOUR } from './post.js';
import { formatDays, formatLocal } from './schedule.js';
import type { DailyPreview, DailyStatus } from './service.js';

type Reply = BaseMessageOptions & { allowedMentions: MessageMentionOptions };

const NOBODY: MessageMentionOptions = { parse: [] };

/** `Monday 6 January 2025, 09:00 (Asia/Almaty)`, then Discord's own timestamp: full and relative. */
export function whenText(at: Date, timezone: string): string {
  return `${formatLocal(at, timezone)}\n${time(at, TimestampStyles.LongDateTime)} (${time(at, TimestampStyles.RelativeTime)})`;
}

function scheduleEmbed(guildId: string, status: DailyStatus, title: string): APIEmbed {
  const { schedule, next } = status;
  const fields = [
    { name: 'Channel', value: `<#${schedule.channelId}>`, inline: true },
    { name: 'Time', value: `${schedule.time} ${schedule.timezone}`, inline: true },
    { name: 'Days', value: formatDays(schedule.days), inline: true },
    { name: 'Thread', value: schedule.thread ? 'a public thread on each post' : 'no thread', inline: true },
    { name: 'Ping', value: schedule.roleId ? `<@&${schedule.roleId}>` : 'nobody', inline: true },
  ];
  if (schedule.pausedReason) {
    fields.push({ name: 'Paused', value: `${schedule.pausedReason}\nFix that, then run \`/daily set\` again to resume.`, inline: false });
  } else if (next) {
    fields.push({ name: 'Next post', value: whenText(next, schedule.timezone), inline: false });
  }
  const last = schedule.lastPost;
  fields.push({
    name: 'Last post',
    value: last ? `[${last.date}](${messageLink(last.channelId, last.messageId, guildId)}) in <#${last.channelId}>, ${time(new Date(last.at), TimestampStyles.RelativeTime)}` : 'none yet',
    inline: false,
  });
  return { color: schedule.pausedReason ? COLOURS.warning : DAILY_COLOUR, title, fields };
}

/** The reply to `/daily set`: where and when, with the next post in the server's timezone and as a timestamp. */
export function setView(guildId: string, status: DailyStatus, notes: string[] = []): Reply {
  const next = status.next!;
  const content = [`The daily post is set. Next post: ${formatLocal(next, status.schedule.timezone)}, ${time(next, TimestampStyles.LongDateTime)} (${time(next, TimestampStyles.RelativeTime)}).`, ...notes].join('\n');
  return { content, embeds: [scheduleEmbed(guildId, status, 'Daily post')], allowedMentions: NOBODY };
}

/** `/daily status`: the schedule, the next post, the last post with a link, or why it is paused. */
export function statusView(guildId: string, status: DailyStatus | undefined): Reply {
  if (!status) return { content: 'No daily post is set up on this server. An admin can start one with `/daily set`.', allowedMentions: NOBODY };
  const title = status.schedule.pausedReason ? 'Daily post (paused)' : 'Daily post';
  return { embeds: [scheduleEmbed(guildId, status, title)], allowedMentions: NOBODY };
}

/** `/daily preview`: the next post as it will look, with a line on where and when; it pings nobody. */
export function previewView(preview: DailyPreview): Reply {
  const status = preview.status;
  let intro = 'Preview of the next daily post, shown only to you.';
  if (!status) intro += ' No schedule is set yet: `/daily set` starts one.';
  else if (status.schedule.pausedReason) intro += ` The daily post is paused: ${status.schedule.pausedReason}`;
  else if (status.next) {
    const ping = status.schedule.roleId ? `, pinging <@&${status.schedule.roleId}>` : '';
    const thread = status.schedule.thread ? ', with a thread' : '';
    intro += ` It goes to <#${status.schedule.channelId}> ${time(status.next, TimestampStyles.LongDateTime)}${ping}${thread}.`;
  }
  return { ...preview.message, content: intro, allowedMentions: NOBODY };
}

/** `/daily now`: where the post went. */
export function postedView(guildId: string, posted: { lastPost: { channelId: string; messageId: string; date: string }; threadFailure?: string }): Reply {
  const lines = [`Today's post (${posted.lastPost.date}) is up: ${messageLink(posted.lastPost.channelId, posted.lastPost.messageId, guildId)}. It counts as today's post, so no other is made today.`];
  if (posted.threadFailure) lines.push(`I could not start its thread: ${posted.threadFailure}`);
  return { content: lines.join('\n'), allowedMentions: NOBODY };
}
