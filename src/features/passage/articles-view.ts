import { EmbedBuilder, escapeMarkdown, type BaseMessageOptions } from 'discord.js';
import { readingMinutes, type Corpus } from '../../library/corpus.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';

/** `/articles`: every article with its kind, source, paragraph count and reading time. */
export function articlesView(corpus: Corpus): BaseMessageOptions {
  const shown = corpus.articles.slice(0, LIMITS.embedFields);
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
  const total = corpus.articles.length;
  if (total > shown.length) embed.setFooter({ text: `Showing ${shown.length} of ${total} articles; use /passage search article: to reach the others.` });
  // Large corpora can still overflow 6,000 characters in all: trim fields until it fits.
  while (embed.length > LIMITS.embedTotal) embed.spliceFields(-1, 1);
  return { embeds: [embed] };
}
