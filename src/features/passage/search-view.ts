import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  StringSelectMenuBuilder,
  type BaseMessageOptions,
} from 'discord.js';
import type { Corpus } from '../../library/corpus.js';
import type { SearchHit } from '../../search/engine.js';
import { pageId, pickId } from './ids.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { snippet } from './snippet.js';

export interface SearchPage {
  query: string;
  articleId?: string;
  hits: SearchHit[];
  page: number;
  perPage: number;
  sessionId: string;
}

export function pageCount(hits: number, perPage: number): number {
  return Math.max(1, Math.ceil(hits / perPage));
}

/** One page of ranked matches: reference, article, snippet with matched words in bold. */
export function searchView(corpus: Corpus, normalise: (word: string) => string | null, view: SearchPage): BaseMessageOptions {
  const pages = pageCount(view.hits.length, view.perPage);
  const page = Math.min(Math.max(view.page, 1), pages);
  const shown = view.hits.slice((page - 1) * view.perPage, page * view.perPage);
  const budget = Math.floor((LIMITS.embedDescription - 100) / Math.max(shown.length, 1));

  const entries = shown.map((hit) => {
    const passage = corpus.byId.get(hit.articleId)?.paragraphs[hit.paragraph - 1];
    const matched = new Set(hit.terms);
    const text = passage ? snippet(passage.text, (word) => matched.has(normalise(word) ?? ''), Math.min(240, budget - 120)) : '';
    const title = corpus.byId.get(hit.articleId)?.title ?? hit.articleId;
    return truncate(`**\`${hit.ref}\`** · ${escapeMarkdown(truncate(title, 80))}\n${text}`, budget);
  });

  const scope = view.articleId ? ` in ${view.articleId}` : '';
  const embed = new EmbedBuilder()
    .setColor(COLOURS.search)
    .setTitle(truncate(`Passages matching “${view.query}”${scope}`, LIMITS.embedTitle))
    .setDescription(entries.join('\n\n'))
    .setFooter({
      text: `Page ${page} of ${pages} · ${view.hits.length} ${view.hits.length === 1 ? 'match' : 'matches'} · pick one below to read it whole`,
    });

  const menu = new StringSelectMenuBuilder()
    .setCustomId(pickId.encode(view.sessionId))
    .setPlaceholder('Open a passage')
    .addOptions(
      shown.map((hit) => ({
        label: hit.ref,
        value: hit.ref,
        description: truncate(corpus.byId.get(hit.articleId)?.title ?? hit.articleId, LIMITS.selectText),
      })),
    );
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

/** No match is an answer, not an error: say so and suggest what to try. */
export function noMatchView(query: string, articleId?: string): BaseMessageOptions {
  const scope = articleId ? ` in \`${articleId}\`` : '';
  return {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle('No passage matches')
        .setDescription(
          truncate(
            `Nothing${scope} matches “${escapeMarkdown(query)}”. Try fewer or other words, or \`/articles\` to see what the group is reading.`,
            LIMITS.embedDescription,
          ),
        ),
    ],
  };
}
