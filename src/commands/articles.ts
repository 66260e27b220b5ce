import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { articlesView } from '../features/passage/views.js';
import { lookupFlags } from '../features/settings/views.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('articles')
    .setDescription('The articles the group studies, with length and reading time')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const flags = lookupFlags(await ctx.settings.get(guildId), null);
    await interaction.reply({ ...articlesView(await ctx.passage.articles(guildId)), flags });
  },
} satisfies SlashCommand;
