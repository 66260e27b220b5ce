import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, MessageFlags } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { searchResultView } from '../features/passage/views.js';
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
    const { results_per_page: perPage } = await ctx.settings.get(guildId);
    const result = await ctx.passage.search({ guildId, userId: interaction.user.id, query: text, perPage });
    await interaction.reply({ ...searchResultView(result), flags: MessageFlags.Ephemeral });
  },
} satisfies MessageMenuCommand;
