import {
  ButtonStyle,
  ComponentType,
  TimestampStyles,
  time,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import { voteId } from './ids.js';
import { tally, winners, type Poll } from './poll.js';
import { labelText, shownText } from './text.js';

/** A message payload that discord.js accepts as it is; nothing in it pings anyone. */
export interface PollMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowedMentions: { parse: []; repliedUser?: false };
}

const BAR_CELLS = 10;
const BUTTONS_PER_ROW = 5;
const OPEN_COLOUR = 0x5865f2;
const CLOSED_COLOUR = 0x57f287;

export function resultBar(percent: number): string {
  const filled = Math.round((percent / 100) * BAR_CELLS);
  return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

const timestamp = (ms: number, style: 'R' | 'f') =>
  time(Math.floor(ms / 1000), style === 'R' ? TimestampStyles.RelativeTime : TimestampStyles.ShortDateTime);

/** The poll message: question, live result bars, deadline, who started it, one button per answer. */
export function renderPoll(poll: Poll): PollMessage {
  const closed = poll.closedAt !== null;
  const { counts, voters, percents } = tally(poll);
  const top = closed ? new Set(winners(poll)) : new Set<number>();
  const tie = top.size > 1;

  const lines = [`**${shownText(poll.question)}**`];
  if (poll.passage) {
    const quote = shownText(poll.passage.text).split('\n').map((line) => `> ${line}`);
    lines.push(...quote, `— *${shownText(poll.passage.title)}*, \`${poll.passage.ref}\``);
  }
  lines.push('');
  poll.options.forEach((option, index) => {
    const mark = top.has(index) ? (tie ? ' 🏆 (tie)' : ' 🏆') : '';
    lines.push(`**${index + 1}.** ${shownText(option)}${mark}`, `${resultBar(percents[index]!)} ${percents[index]}% (${counts[index]})`);
  });
  lines.push('');
  const when = closed ? `Closed ${timestamp(poll.closedAt!, 'R')}` : `Closes ${timestamp(poll.closesAt, 'R')} (${timestamp(poll.closesAt, 'f')})`;
  lines.push(`${when} · started by <@${poll.creatorId}>`);

  const footer = [
    `${voters} ${voters === 1 ? 'voter' : 'voters'}`,
    poll.multiple ? 'several answers allowed' : 'one answer each',
    poll.anonymous ? 'anonymous: votes are not linked to names' : 'only counts are shown',
    `poll ${poll.id}`,
  ].join(' · ');

  const embed: APIEmbed = {
    title: closed ? '📊 Poll closed: final results' : poll.passage ? '📊 Poll on a passage' : '📊 Poll',
    description: lines.join('\n'),
    color: closed ? CLOSED_COLOUR : OPEN_COLOUR,
    footer: { text: footer },
  };
  return { embeds: [embed], components: voteButtons(poll, top), allowedMentions: { parse: [] } };
}

function voteButtons(poll: Poll, top: Set<number>): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const closed = poll.closedAt !== null;
  const buttons: APIButtonComponentWithCustomId[] = poll.options.map((option, index) => ({
    type: ComponentType.Button,
    custom_id: voteId.encode({ pollId: poll.id, option: index }),
    label: labelText(option),
    style: top.has(index) ? ButtonStyle.Success : closed ? ButtonStyle.Secondary : ButtonStyle.Primary,
    disabled: closed,
  }));
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let start = 0; start < buttons.length; start += BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(start, start + BUTTONS_PER_ROW) });
  }
  return rows;
}

/** The short message posted in reply to a poll when it closes. */
export function renderResults(poll: Poll): PollMessage {
  const { counts, voters, percents } = tally(poll);
  const top = winners(poll);
  const name = (index: number) => `**${shownText(poll.options[index]!)}**`;
  let verdict: string;
  if (top.length === 0) verdict = 'No votes were cast.';
  else if (top.length === 1) verdict = `Winner: ${name(top[0]!)} with ${counts[top[0]!]} of ${voters} ${voters === 1 ? 'voter' : 'voters'} (${percents[top[0]!]}%).`;
  else verdict = `A tie between ${top.map(name).join(' and ')}, with ${counts[top[0]!]} ${counts[top[0]!] === 1 ? 'vote' : 'votes'} each, from ${voters} voters.`;
  const content = `📊 **Poll closed:** ${shownText(poll.question)}\n${verdict}`;
  return { content, embeds: [], components: [], allowedMentions: { parse: [], repliedUser: false } };
}
