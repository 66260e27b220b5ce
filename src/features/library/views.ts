import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import type { Article } from '../../library/corpus.js';
import { truncate } from '../../lib/ui/limits.js';
import { articlesView } from '../passage/views.js';
import { removeId } from './ids.js';
import type { ExportedFile } from './service.js';

type Reply = BaseMessageOptions & { allowedMentions: MessageMentionOptions };
/** Titles and file names are the members' text: they ping no one. */
const NOBODY: MessageMentionOptions = { parse: [] };

export function manageServerRefusal(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/library ${subcommand}\`; \`/library export\` is open to everyone.`;
}

export const NOT_YOURS = 'This button belongs to another member or server: run `/library remove` yourself.';

/** `/library add`: the article as `/articles` shows it, and where to start reading. */
export function addedView(article: Article): Reply {
  const first = article.paragraphs[0]!.ref;
  return {
    content: `Added **${escapeMarkdown(truncate(article.title, 200))}** to this server's library: read it from \`${first}\` with \`/passage show ref:${first}\`.`,
    embeds: articlesView([article]).embeds,
    allowedMentions: NOBODY,
  };
}

/** `/library remove`: what would go, with the one button that removes it. */
export function confirmRemovalView(ids: { guildId: string; userId: string; articleId: string }, title: string): Reply {
  const button = new ButtonBuilder().setCustomId(removeId.encode(ids)).setLabel('Remove').setStyle(ButtonStyle.Danger);
  return {
    content: `Remove **${escapeMarkdown(truncate(title, 200))}** (\`${ids.articleId}\`) from this server's library? Its references will stop working; \`/library export\` first keeps a copy. Dismiss this message to keep it.`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)],
    allowedMentions: NOBODY,
  };
}

/** After the button: what happened, the button gone. */
export function removedView(articleId: string, removed: boolean): Reply {
  return {
    content: removed ? `Removed \`${articleId}\` from this server's library.` : `\`${articleId}\` was already removed.`,
    components: [],
    allowedMentions: NOBODY,
  };
}

/** `/library export`: the stored file as an attachment. */
export function exportView(articleId: string, file: ExportedFile): Reply {
  return {
    content: `The stored file of \`${articleId}\`, as it was added.`,
    files: [new AttachmentBuilder(file.bytes, { name: file.filename })],
    allowedMentions: NOBODY,
  };
}
