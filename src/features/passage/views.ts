import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  StringSelectMenuBuilder,
  type ApplicationCommandOptionChoiceData,
  type BaseMessageOptions,
} from 'discord.js';
import { readingMinutes, type Article } from '../../library/corpus.js';
import { formatRef, type PassageRange } from '../../library/references.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { historyId } from '../history/ids.js';
import { gotoId, navId, pageId, pickId } from './ids.js';
import type { SearchPage, SearchResult, Suggestion } from './service.js';
import { snippet, type Snippet } from './snippet.js';

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

/** What the group did with a passage: the history line under it, for the server whose History button it gets. */
export interface PassageHistory {
  guildId: string;
  line: string;
}

/**
 * A passage or range with previous / next buttons and a menu of the article's paragraphs.
 * A range longer than one message shows the whole paragraphs that fit and says where to continue.
 * With `history`, its line comes under the passage with a History button.
 */
export function passageView(range: PassageRange, history?: PassageHistory): BaseMessageOptions {
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
  if (history) embed.addFields({ name: 'History', value: truncate(history.line, LIMITS.fieldValue) });
  const count = article.paragraphs.length;
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(navId.encode({ articleId: article.id, paragraph: Math.max(from - 1, 0), direction: 'prev' }))
      .setLabel('Previous')
      .setEmoji('◀️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(from <= 1),
    new ButtonBuilder()
      // Next on a range cut short continues the range; otherwise it moves to the following paragraph.
      .setCustomId(navId.encode({ articleId: article.id, paragraph: Math.min(shownTo + 1, count + 1), ...(shownTo < to && { to }), direction: 'next' }))
      .setLabel('Next')
      .setEmoji('▶️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(shownTo >= count),
  );
  if (history) {
    buttons.addComponents(
      new ButtonBuilder()
        .setCustomId(historyId.encode({ guildId: history.guildId, articleId: article.id, from, to, page: 1 }))
        .setLabel('History')
        .setEmoji('🗂️')
        .setStyle(ButtonStyle.Secondary),
    );
  }
  return { embeds: [embed], components: count > 1 ? [buttons, paragraphMenu(range)] : [buttons] };
}

/** A menu of the article's paragraphs (up to 25 around the one shown), to go to any of them: what a name alone opens on. */
function paragraphMenu({ article, from }: Pick<PassageRange, 'article' | 'from'>): ActionRowBuilder<StringSelectMenuBuilder> {
  const first = Math.max(0, Math.min(from - 1 - Math.floor(LIMITS.selectOptions / 2), article.paragraphs.length - LIMITS.selectOptions));
  const menu = new StringSelectMenuBuilder()
    .setCustomId(gotoId.encode(article.id))
    .setPlaceholder('Go to another paragraph of this article')
    .addOptions(
      article.paragraphs
        .slice(first, first + LIMITS.selectOptions)
        .map((passage) => ({ label: truncate(`¶${passage.paragraph} · ${passage.text.replace(/\s+/g, ' ')}`, LIMITS.selectText), value: String(passage.paragraph) })),
    );
  return new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu);
}

/** The reply to a search that kept nothing: the passage a reference opened, or a no-match answer. */
export function searchResultView(result: Exclude<SearchResult, { kind: 'found' }>): BaseMessageOptions {
  return result.kind === 'passage' ? passageView(result.range) : noMatchView(result.query, result.articleId, result.otherScript);
}

/** A snippet as Markdown: matched words in bold, an ellipsis where text was cut. */
function snippetText({ parts, cutBefore, cutAfter }: Snippet, width: number): string {
  const body = parts.map((part) => (part.match ? `**${escapeMarkdown(part.text)}**` : escapeMarkdown(part.text))).join('');
  const text = `${cutBefore ? '…' : ''}${body}${cutAfter ? '…' : ''}`;
  return truncate(text.replace(/\s+/g, ' ').trim(), width * 2);
}

/** One page of ranked matches: reference, article, snippet with matched words in bold. */
export function searchView(view: SearchPage): BaseMessageOptions {
  const total = view.found.length;
  const pages = Math.max(1, Math.ceil(total / view.perPage));
  const page = Math.min(Math.max(view.page, 1), pages);
  const shown = view.found.slice((page - 1) * view.perPage, page * view.perPage);
  const budget = Math.floor((LIMITS.embedDescription - 100) / Math.max(shown.length, 1));
  const width = Math.min(240, budget - 120);

  const entries = shown.map((match) => {
    const text = match.text ? snippetText(snippet(match.text, match.isMatch, width), width) : '';
    return truncate(`**\`${match.ref}\`** · ${escapeMarkdown(truncate(match.title, 80))}\n${text}`, budget);
  });

  const scope = view.articleId ? ` in ${view.articleId}` : '';
  const embed = new EmbedBuilder()
    .setColor(COLOURS.search)
    .setTitle(truncate(`Passages matching “${view.query}”${scope}`, LIMITS.embedTitle))
    .setDescription(entries.join('\n\n'))
    .setFooter({ text: `Page ${page} of ${pages} · ${total} ${total === 1 ? 'match' : 'matches'} · pick one below to read it whole` });

  const menu = new StringSelectMenuBuilder()
    .setCustomId(pickId.encode(view.sessionId))
    .setPlaceholder('Open a passage')
    .addOptions(shown.map((match) => ({ label: match.ref, value: match.ref, description: truncate(match.title, LIMITS.selectText) })));
  const rows: Array<ActionRowBuilder<StringSelectMenuBuilder> | ActionRowBuilder<ButtonBuilder>> = [
    new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu),
  ];
  if (pages > 1) {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder()
          .setCustomId(pageId.encode({ sessionId: view.sessionId, page: page - 1, direction: 'prev' }))
          .setLabel('Previous page')
          .setStyle(ButtonStyle.Secondary)
          .setDisabled(page <= 1),
        new ButtonBuilder()
          .setCustomId(pageId.encode({ sessionId: view.sessionId, page: page + 1, direction: 'next' }))
          .setLabel('Next page')
          .setStyle(ButtonStyle.Secondary)
          .setDisabled(page >= pages),
      ),
    );
  }
  return { embeds: [embed], components: rows };
}

/** No match is an answer, not an error: say so and suggest what to try (English words, for a query in another alphabet). */
function noMatchView(query: string, articleId: string | undefined, otherScript: boolean): BaseMessageOptions {
  const scope = articleId ? ` in \`${articleId}\`` : '';
  const hint = otherScript
    ? 'The articles are in English: search with English words or the English spelling of a name, e.g. `Kazakhstan`, `Almaty`.'
    : 'Try fewer or other words, or `/articles` to see what the group is reading.';
  return {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle('No passage matches')
        .setDescription(
          truncate(
            `Nothing${scope} matches “${escapeMarkdown(query)}”. ${hint}`,
            LIMITS.embedDescription,
          ),
        ),
    ],
  };
}

/** `/articles`: every article with its kind, source, paragraph count and reading time. */
export function articlesView(articles: Article[]): BaseMessageOptions {
  const shown = articles.slice(0, LIMITS.embedFields);
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle('Articles')
    .setDescription('Look a passage up with `/passage show ref:<article>:<paragraph>`, or search them all with `/passage search`.')
    .addFields(
      shown.map((article) => ({
        name: truncate(article.title, LIMITS.fieldName),
        value: truncate(
          [
            `\`${article.id}\` · ${escapeMarkdown(article.kind)}`,
            article.source ? `source: ${escapeMarkdown(article.source)}` : 'source not given',
            `${article.paragraphs.length} paragraphs · about ${readingMinutes(article)} min read`,
          ].join('\n'),
          LIMITS.fieldValue,
        ),
      })),
    );
  // Fields are the most readable layout; past 25 articles say how many are left out.
  if (articles.length > shown.length) embed.setFooter({ text: `Showing ${shown.length} of ${articles.length} articles; use /passage search article: to reach the others.` });
  // Large corpora can still overflow 6,000 characters in all: trim fields until it fits.
  while (embed.length > LIMITS.embedTotal) embed.spliceFields(-1, 1);
  return { embeds: [embed] };
}

function choice(name: string, value: string): ApplicationCommandOptionChoiceData<string> {
  return { name: truncate(name.replace(/\s+/g, ' '), LIMITS.choiceText), value: value.slice(0, LIMITS.choiceText) };
}

/** Autocomplete for a passage or range: each choice shows the reference and the text it opens on; its value is the reference. */
export function passageChoices(suggestions: Suggestion[]): ApplicationCommandOptionChoiceData<string>[] {
  return suggestions.map(({ ref, text }) => choice(`${ref} · ${text}`, ref));
}

/** Autocomplete for an article: its title and id; the value is the id. */
export function articleChoices(articles: Article[]): ApplicationCommandOptionChoiceData<string>[] {
  return articles.map((article) => choice(`${article.title} (${article.id})`, article.id));
}
