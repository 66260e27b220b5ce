import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, MessageFlags } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { searchReply } from '../features/passage/service.js';
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
    const { results_per_page: perPage } = await ctx.settings.get(interaction.guildId!);
    const reply = await searchReply(ctx, { guildId: interaction.guildId!, userId: interaction.user.id, query: text, perPage });
    await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
  },
} satisfies MessageMenuCommand;
