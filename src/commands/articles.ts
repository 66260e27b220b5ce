import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { articlesView } from '../features/passage/articles-view.js';
import { lookupFlags } from '../features/settings/visibility.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('articles')
    .setDescription('The articles the group studies, with length and reading time')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    const flags = lookupFlags(await ctx.settings.get(interaction.guildId!), null);
    await interaction.reply({ ...articlesView(ctx.corpus), flags });
  },
} satisfies SlashCommand;
