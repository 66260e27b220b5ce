import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, MessageFlags } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { searchResultView, searchView } from '../features/passage/views.js';
import type { MessageMenuCommand } from './types.js';

export default {
  data: new ContextMenuCommandBuilder()
    .setName('Find in articles')
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    // Without the message-content intent Discord still resolves the chosen message's text here.
    const text = interaction.targetMessage.content || interaction.targetMessage.embeds.map((embed) => embed.description ?? '').join(' ');
    if (!text.trim()) throw new UserError('That message has no text to look for.');
    const guildId = interaction.guildId!;
    // From memory but for a server's first lookup.
    const { results_per_page: perPage } = await ctx.settings.get(guildId);
    // A server's own spellings are read from the store, and the page buttons need the search
    // kept there: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const result = await ctx.passage.search({ guildId, userId: interaction.user.id, query: text, perPage });
    await interaction.editReply(result.kind === 'found' ? searchView(await ctx.passage.keep(result.matches)) : searchResultView(result));
  },
} satisfies MessageMenuCommand;
