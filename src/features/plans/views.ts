import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, time, TimestampStyles, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import type { Article } from '../../library/corpus.js';
import { formatRef } from '../../library/references.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { COLOURS } from '../../lib/ui/palette.js';
import type { QuoteCard } from '../daily/card.js';
import { showId } from '../passage/ids.js';
import { passageFooter } from '../passage/views.js';
import type { PlanPost, Span } from './progress.js';
import type { PlanStatus } from './service.js';

/** How a plan's posts begin their author line: the daily post's own search for its post of a date knows them by it. */
export const PLAN_AUTHOR = 'Reading plan';
const NOBODY: MessageMentionOptions = { parse: [] };
/** Room kept in the embed for the labels and markup around the texts counted. */
const MARGIN = 100;

const ref = (article: Pick<Article, 'id'>, span: Span) => formatRef(article.id, span.from, span.to);
const refList = (article: Article, spans: Span[]) => spans.map((span) => `\`${ref(article, span)}\``).join(', ');

function passageButton(label: string, target: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setStyle(ButtonStyle.Secondary).setCustomId(showId.encode(target)).setLabel(`${label} (${truncate(target, 50)})`).setEmoji({ name: '📖' }),
  );
}

/**
 * A plan's post, as the daily post sends it (`dated` adds its date to the footer): the
 * day's paragraphs, as many whole ones as fit in one embed, with a button that opens the
 * rest (or the whole reading) and the prompt; or the closing post naming what was read.
 */
export function planPostMessage(card: QuoteCard, post: PlanPost, dated: (footer: string) => string): BaseMessageOptions {
  const { article, prompt } = card;
  const discuss = { name: 'Discuss', value: truncate(escapeMarkdown(prompt.text), LIMITS.fieldValue) };
  const embed = new EmbedBuilder().setColor(COLOURS.daily).setTitle(truncate(article.title, LIMITS.embedTitle));
  if (post.kind === 'closing') {
    const lines = [
      post.read.length > 0
        ? `The reading plan is done: over ${post.days} day${post.days === 1 ? '' : 's'} we read **${escapeMarkdown(article.title)}**, ${refList(article, post.read)}.`
        : `The reading plan of **${escapeMarkdown(article.title)}** is done: every day of it was skipped.`,
      ...(post.skipped.length > 0 ? [`Skipped: ${refList(article, post.skipped)}.`] : []),
      'From the next post on, the daily quotes are back.',
    ];
    embed
      .setAuthor({ name: `${PLAN_AUTHOR} · finished` })
      .setDescription(truncate(lines.join('\n'), LIMITS.embedDescription))
      .addFields({ ...discuss, name: 'Looking back' })
      .setFooter({ text: dated(passageFooter({ article, from: post.from, to: post.to })) });
    return { embeds: [embed], components: [passageButton('Read it again', formatRef(article.id, post.from))] };
  }
  const author = `${PLAN_AUTHOR} · day ${post.day} of ${post.days}`;
  const footer = dated(passageFooter({ article, from: post.from, to: post.to }));
  const continued = (rest: string) => ({ name: 'Continued', value: `The rest of today's reading, \`${rest}\`, opens with the button below.` });
  const room = Math.min(LIMITS.embedDescription - MARGIN, LIMITS.embedTotal - MARGIN - author.length - article.title.length - discuss.value.length - footer.length - continued(ref(article, post)).value.length);
  const blocks: string[] = [];
  let used = 0;
  let shownTo = post.from - 1;
  for (const passage of article.paragraphs.slice(post.from - 1, post.to)) {
    const text = `**¶${passage.paragraph}** ${escapeMarkdown(passage.text)}`;
    if (used + text.length + 2 > room) {
      // A first paragraph longer than the room is shown cut, and the button opens it whole.
      if (blocks.length === 0) blocks.push(truncate(text, room));
      break;
    }
    blocks.push(text);
    used += text.length + 2;
    shownTo = passage.paragraph;
  }
  embed.setAuthor({ name: author }).setDescription(blocks.join('\n\n'));
  const rest = shownTo < post.to ? { from: Math.max(shownTo + 1, post.from), to: post.to } : undefined;
  if (rest) embed.addFields(continued(ref(article, rest)));
  embed.addFields(discuss).setFooter({ text: footer });
  return { embeds: [embed], components: [rest ? passageButton('Read the rest', ref(article, rest)) : passageButton('Read the whole passage', ref(article, post))] };
}

/** `/plan start`, `skip`, `stop` and `status` by a member without Manage Server (status is for everyone). */
export function needsManageServerText(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/plan ${subcommand}\`.`;
}

const dayText = ({ plan, days }: PlanStatus) => `day ${plan.day} of ${days}`;

/** `day 4 of 9, next: former-kazakhstan:5`, or the closing post once the last day is read. */
function progressText(status: PlanStatus): string {
  const { plan, next } = status;
  return `${dayText(status)}, next: ${next ? `\`${formatRef(plan.articleId, next.from, next.to)}\`` : 'the closing post'}`;
}

/** When the plan's next post comes, or why it does not. */
function whenText(status: PlanStatus): string {
  const daily = status.daily;
  if (!daily) return 'No daily post is set up, so the plan waits: `/daily set` starts it.';
  if (daily.schedule.offAt) return 'The daily post is off, so the plan waits: `/daily set` turns it back on.';
  if (daily.schedule.pausedReason) return `The daily post is paused, so the plan waits: ${daily.schedule.pausedReason}`;
  return daily.next ? `The next post is ${time(daily.next, TimestampStyles.LongDateTime)} (${time(daily.next, TimestampStyles.RelativeTime)}).` : '';
}

/** `/plan status`. */
export function statusView(status: PlanStatus | undefined): BaseMessageOptions & { allowedMentions: MessageMentionOptions } {
  if (!status) return { content: 'No reading plan is running on this server. An admin can start one with `/plan start`.', allowedMentions: NOBODY };
  const { plan } = status;
  const title = `**${escapeMarkdown(plan.title)}** (\`${plan.articleId}\`), ${plan.perDay} paragraph${plan.perDay === 1 ? '' : 's'} a day`;
  if (plan.endedOn) return { content: `The reading plan of ${title} finished on ${plan.endedOn}; the daily quotes are back. \`/plan start\` begins another.`, allowedMentions: NOBODY };
  const lines = [`Reading plan: ${title}: ${progressText(status)}.`];
  if (status.articleGone) lines.push(`The article \`${plan.articleId}\` is no longer in this server's library, so the daily post shows quotes: \`/plan stop\` ends the plan.`);
  else lines.push(whenText(status));
  return { content: lines.filter(Boolean).join(' '), allowedMentions: NOBODY };
}

/** `/plan start`. */
export function startedView(status: PlanStatus): BaseMessageOptions & { allowedMentions: MessageMentionOptions } {
  const { plan, days } = status;
  const lines = [
    `Reading plan started: **${escapeMarkdown(plan.title)}** from \`${formatRef(plan.articleId, plan.from)}\`, ${plan.perDay} paragraph${plan.perDay === 1 ? '' : 's'} a day, ${days} day${days === 1 ? '' : 's'} and then a closing post. Each daily post shows the day's reading; \`/daily preview\` shows the first.`,
    whenText(status),
  ];
  return { content: lines.filter(Boolean).join(' '), allowedMentions: NOBODY };
}

/** `/plan skip`. */
export function skippedText(status: PlanStatus, skipped: Span): string {
  const next = status.next ? `the next post reads day ${status.plan.day + 1} of ${status.days}, \`${formatRef(status.plan.articleId, status.next.from, status.next.to)}\`` : 'the next post is the closing post';
  return `Skipped day ${status.plan.day} (\`${formatRef(status.plan.articleId, skipped.from, skipped.to)}\`): ${next}.`;
}

/** `/plan stop`. */
export function stoppedText(status: PlanStatus): string {
  return `The reading plan of **${escapeMarkdown(status.plan.title)}** is stopped at ${dayText(status)}; the daily post goes back to quotes.`;
}
