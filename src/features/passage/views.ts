import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, type BaseMessageOptions } from 'discord.js';
import type { PassageRange } from '../../library/references.js';
import { formatRef } from '../../library/references.js';
import { navId } from './ids.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';

/** Room left in the description for paragraphs, below Discord's 4,096. */
const TEXT_BUDGET = LIMITS.embedDescription - 96;

/** The reference and where the article comes from, e.g. `former-kazakhstan:2 · interview · www.mk.ru`. */
export function passageFooter(range: Pick<PassageRange, 'article' | 'from' | 'to'>): string {
  const { article } = range;
  const parts = [formatRef(article.id, range.from, range.to), article.kind];
  if (article.source) parts.push(`source: ${article.source}`);
  if (article.translated_from) parts.push(`translated from ${article.translated_from}`);
  return truncate(parts.join(' · '), LIMITS.footer);
}

/**
 * A passage or range with previous / next buttons. A range longer than one
 * message shows the whole paragraphs that fit and says where to continue.
 */
export function passageView(range: PassageRange): BaseMessageOptions {
  const { article, from, to } = range;
  const numbered = from !== to;
  const blocks: string[] = [];
  let used = 0;
  for (const passage of range.passages) {
    const text = `${numbered ? `**¶${passage.paragraph}** ` : ''}${escapeMarkdown(passage.text)}`;
    if (blocks.length > 0 && used + text.length + 2 > TEXT_BUDGET) break;
    blocks.push(truncate(text, TEXT_BUDGET));
    used += text.length + 2;
  }
  const shownTo = from + blocks.length - 1;
  const embed = new EmbedBuilder()
    .setColor(COLOURS.passage)
    .setTitle(truncate(article.title, LIMITS.embedTitle))
    .setDescription(blocks.join('\n\n'))
    .setFooter({ text: passageFooter({ article, from, to: shownTo }) });
  if (shownTo < to) {
    embed.addFields({
      name: 'Continued',
      value: `This range is longer than one message: showing ${formatRef(article.id, from, shownTo)}. Press Next or ask for \`${formatRef(article.id, shownTo + 1, to)}\`.`,
    });
  }
  const count = article.paragraphs.length;
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(navId.encode({ articleId: article.id, paragraph: Math.max(from - 1, 0), direction: 'prev' }))
      .setLabel('Previous')
      .setEmoji('◀️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(from <= 1),
    new ButtonBuilder()
      .setCustomId(navId.encode({ articleId: article.id, paragraph: Math.min(shownTo + 1, count + 1), direction: 'next' }))
      .setLabel('Next')
      .setEmoji('▶️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(shownTo >= count),
  );
  return { embeds: [embed], components: [buttons] };
}
