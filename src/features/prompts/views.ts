import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { listPageId, reviewId } from './ids.js';
import { MAX_SERVER_PROMPTS, MAX_WAITING_PER_MEMBER, type ServerPromptEntry } from './service.js';

/** Every reply here shows what members typed: none of it may ping anyone. */
type Reply = BaseMessageOptions & { allowedMentions: MessageMentionOptions };
const NOBODY: MessageMentionOptions = { parse: [] };
const PAGE_SIZE = 10;

const tiedTo = (entry: ServerPromptEntry) => (entry.ref === undefined ? 'with any quote' : `with quotes of \`${entry.ref}\``);
const line = (entry: ServerPromptEntry) => `\`${entry.id}\` ${entry.text}${entry.ref === undefined ? '' : ` (\`${entry.ref}\`)`}`;

/** The prompt itself, under the one-line notice of what was done with it. */
const promptEmbed = (entry: ServerPromptEntry) => new EmbedBuilder().setColor(COLOURS.info).setDescription(truncate(entry.text, LIMITS.embedDescription));

/** `/prompt add`: the prompt is in the rotation now. */
export function promptAddedReply(entry: ServerPromptEntry): Reply {
  return { content: `Added prompt \`${entry.id}\`, shown in the daily post and \`/quote\` ${tiedTo(entry)}.`, embeds: [promptEmbed(entry)], allowedMentions: NOBODY };
}

/** `/prompt suggest`: queued for review. */
export function promptSuggestedReply(entry: ServerPromptEntry): Reply {
  return {
    content: `Thanks: your prompt waits for an admin's review (\`/prompt review\`); you can have ${MAX_WAITING_PER_MEMBER} waiting at a time.`,
    embeds: [promptEmbed(entry)],
    allowedMentions: NOBODY,
  };
}

/** `/prompt remove`: what left the rotation. */
export function promptRemovedReply(entry: ServerPromptEntry): Reply {
  return { content: `Removed prompt \`${entry.id}\`; it is no longer shown.`, embeds: [promptEmbed(entry)], allowedMentions: NOBODY };
}

/** `/prompt review`: the oldest waiting suggestion with Approve / Reject, and how many follow; `done` says what the last click did. */
export function reviewView(guildId: string, waiting: readonly ServerPromptEntry[], done?: string): Reply {
  const [next] = waiting;
  if (!next) return { content: [done, 'No suggestions are waiting for review.'].filter(Boolean).join(' '), embeds: [], components: [], allowedMentions: NOBODY };
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(`Suggested prompt (1 of ${waiting.length} waiting)`)
    .setDescription(truncate(next.text, LIMITS.embedDescription))
    .addFields({ name: 'Suggested by', value: `<@${next.by}>`, inline: true }, { name: 'Shown', value: tiedTo(next), inline: true });
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(reviewId.encode({ guildId, promptId: next.id, verdict: 'approve' })).setLabel('Approve').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(reviewId.encode({ guildId, promptId: next.id, verdict: 'reject' })).setLabel('Reject').setStyle(ButtonStyle.Danger),
  );
  return { content: done ?? '', embeds: [embed], components: [buttons], allowedMentions: NOBODY };
}

/** What Approve or Reject did, above the next suggestion. */
export function reviewedText(entry: ServerPromptEntry, approved: boolean): string {
  return approved ? `Approved \`${entry.id}\`: it joins the rotation.` : `Rejected \`${entry.id}\`.`;
}

/** `/prompt list`: the server's own prompts, PAGE_SIZE a page, with Previous / Next when there are more. */
export function promptListView(guildId: string, prompts: readonly ServerPromptEntry[], requested = 0): Reply {
  const pages = Math.max(1, Math.ceil(prompts.length / PAGE_SIZE));
  const page = Math.min(Math.max(requested, 0), pages - 1);
  const shown = prompts.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const body =
    shown.length > 0
      ? shown.map(line).join('\n')
      : 'None yet. Someone with Manage Server can add one (`/prompt add`), and anyone can suggest one (`/prompt suggest`).';
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(`This server's own prompts (${prompts.length} of ${MAX_SERVER_PROMPTS})`)
    .setDescription(truncate(body, LIMITS.embedDescription));
  if (pages > 1) embed.setFooter({ text: `Page ${page + 1} of ${pages}` });
  const components =
    pages > 1
      ? [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder()
              .setCustomId(listPageId.encode({ guildId, page: Math.max(page - 1, 0), direction: 'prev' }))
              .setLabel('Previous page')
              .setStyle(ButtonStyle.Secondary)
              .setDisabled(page === 0),
            new ButtonBuilder()
              .setCustomId(listPageId.encode({ guildId, page: Math.min(page + 1, pages - 1), direction: 'next' }))
              .setLabel('Next page')
              .setStyle(ButtonStyle.Secondary)
              .setDisabled(page === pages - 1),
          ),
        ]
      : [];
  return { embeds: [embed], components, allowedMentions: NOBODY };
}

export function manageServerPromptRefusal(action: string): string {
  return `You need the **Manage Server** permission to ${action}; anyone can \`/prompt suggest\` one or see them with \`/prompt list\`.`;
}
