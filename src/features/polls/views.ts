import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  TimestampStyles,
  escapeMarkdown,
  time,
  type MessageMentionOptions,
} from 'discord.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { voteId } from './ids.js';
import { tally, winners, type Poll, type Vote } from './poll.js';

/** A poll message or its results; nothing in it pings anyone. */
interface PollMessage {
  content?: string;
  embeds: EmbedBuilder[];
  components: ActionRowBuilder<ButtonBuilder>[];
  allowedMentions: MessageMentionOptions;
}

const BAR_CELLS = 10;
const BUTTONS_PER_ROW = 5;

/**
 * User and corpus text shown in an embed or message. Markdown is escaped so an
 * answer reads as typed; `@everyone` and `@here` get a zero-width space so they
 * stay readable but can never ping, whatever a message's allowed mentions say.
 * User, role and channel mentions render as names, which embeds and our
 * `allowedMentions: { parse: [] }` keep silent.
 */
function shownText(text: string): string {
  return escapeMarkdown(text).replace(/@(everyone|here)/gi, '@\u200b$1');
}

/** Text for a button label, which Discord shows raw: mention syntax becomes words. */
function labelText(text: string): string {
  const plain = text
    .replace(/<@!?\d+>/g, '@member')
    .replace(/<@&\d+>/g, '@role')
    .replace(/<#\d+>/g, '#channel');
  return truncate(plain, LIMITS.buttonLabel);
}

export function resultBar(percent: number): string {
  const filled = Math.round((percent / 100) * BAR_CELLS);
  return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

const timestamp = (ms: number, style: 'R' | 'f') =>
  time(Math.floor(ms / 1000), style === 'R' ? TimestampStyles.RelativeTime : TimestampStyles.ShortDateTime);

const voterCount = (voters: number) => `${voters} ${voters === 1 ? 'voter' : 'voters'}`;

/**
 * The poll message. Its text says what it is and who started it (it is also the preview
 * Discord shows above the results reply); the embed's title is the question, then the
 * passage asked about, live result bars, and the deadline; one button per answer.
 */
export function pollView(poll: Poll): PollMessage {
  const closed = poll.closedAt !== null;
  const { counts, voters, percents } = tally(poll);
  const top = closed ? new Set(winners(poll)) : new Set<number>();
  const tie = top.size > 1;

  const question = shownText(poll.question);
  const title = truncate(question, LIMITS.embedTitle);
  // A question cut in the title is given whole above the answers.
  const lines = title === question ? [] : [question, ''];
  if (poll.passage) {
    const quote = shownText(poll.passage.text).split('\n').map((line) => `> ${line}`);
    lines.push(...quote, `— *${shownText(poll.passage.title)}*, \`${poll.passage.ref}\``, '');
  }
  poll.options.forEach((option, index) => {
    const mark = top.has(index) ? (tie ? ' 🏆 (tie)' : ' 🏆') : '';
    lines.push(`**${index + 1}.** ${shownText(option)}${mark}`, `${resultBar(percents[index]!)} ${percents[index]}% (${counts[index]})`);
  });
  // With several answers each, the shares add up past 100%: say what they are shares of.
  if (poll.multiple) lines.push(`*% of ${voterCount(voters)}; each could choose several answers.*`);
  lines.push('');
  lines.push(closed ? `Closed ${timestamp(poll.closedAt!, 'R')}` : `Closes ${timestamp(poll.closesAt, 'R')} (${timestamp(poll.closesAt, 'f')})`);

  const footer = [
    voterCount(voters),
    poll.multiple ? 'several answers each' : 'one answer each',
    poll.anonymous ? 'anonymous: votes are not linked to names' : 'only counts are shown',
  ].join(' · ');

  const kind = poll.passage ? ' on a passage' : '';
  const content = closed
    ? `📊 **Poll closed**${kind} · final results below · started by <@${poll.creatorId}>`
    : `📊 **Poll**${kind} by <@${poll.creatorId}> · vote with the buttons below`;
  const embed = new EmbedBuilder()
    .setTitle(title)
    .setDescription(lines.join('\n'))
    .setColor(closed ? COLOURS.pollClosed : COLOURS.pollOpen)
    .setFooter({ text: footer });
  return { content, embeds: [embed], components: voteButtons(poll, top), allowedMentions: { parse: [] } };
}

function voteButtons(poll: Poll, top: Set<number>): ActionRowBuilder<ButtonBuilder>[] {
  const closed = poll.closedAt !== null;
  const buttons = poll.options.map((option, index) =>
    new ButtonBuilder()
      .setCustomId(voteId.encode({ pollId: poll.id, option: index }))
      .setLabel(labelText(option))
      .setStyle(top.has(index) ? ButtonStyle.Success : closed ? ButtonStyle.Secondary : ButtonStyle.Primary)
      .setDisabled(closed),
  );
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let start = 0; start < buttons.length; start += BUTTONS_PER_ROW) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(start, start + BUTTONS_PER_ROW)));
  }
  return rows;
}

/** The short message posted in reply to a poll when it closes. */
export function pollResultsView(poll: Poll): PollMessage {
  const { counts, voters, percents } = tally(poll);
  const top = winners(poll);
  const name = (index: number) => `**${shownText(poll.options[index]!)}**`;
  let verdict: string;
  if (top.length === 0) verdict = 'No votes were cast.';
  else if (top.length === 1) verdict = `Winner: ${name(top[0]!)} with ${counts[top[0]!]} of ${voterCount(voters)} (${percents[top[0]!]}%).`;
  else verdict = `A tie between ${top.map(name).join(' and ')}, with ${counts[top[0]!]} ${counts[top[0]!] === 1 ? 'vote' : 'votes'} each, from ${voters} voters.`;
  const content = `📊 **Poll closed:** ${shownText(poll.question)}\n${verdict}`;
  return { content, embeds: [], components: [], allowedMentions: { parse: [], repliedUser: false } };
}

/** What the voter is told, privately, after a click. */
export function voteConfirmation(poll: Pick<Poll, 'options' | 'multiple'>, vote: Vote): string {
  const name = (index: number) => `**${shownText(poll.options[index]!)}**`;
  const list = (indexes: number[]) => (indexes.length === 0 ? 'none' : indexes.map(name).join(', '));
  const removed = !vote.after.includes(vote.option);
  if (poll.multiple) {
    const change = removed ? `Removed ${name(vote.option)} from your answers` : `Added ${name(vote.option)} to your answers`;
    return `${change}. Your answers now: ${list(vote.after)}. Click an answer again to take it back.`;
  }
  if (removed) return `Removed your vote for ${name(vote.option)}. You have no vote in this poll now.`;
  if (vote.before.length > 0) return `Changed your vote from ${list(vote.before)} to ${name(vote.option)}. Click it again to remove it.`;
  return `Recorded your vote for ${name(vote.option)}. Click it again to remove it, or another answer to change it.`;
}

/** The private answer to `/poll close`. */
export function pollClosedReply(poll: Pick<Poll, 'id'>): string {
  return `Closed poll \`${poll.id}\`; its final results are on the poll message.`;
}

/** Why `/poll create` or `/poll passage` is refused in a channel where the bot lacks permissions. */
export function missingPermissionsText(missing: string[]): string {
  return `I need ${missing.join(', ')} in this channel to run a poll here (to update it and post its results); ask an admin to allow it.`;
}
