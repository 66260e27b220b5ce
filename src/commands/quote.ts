import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { articleChoices, checkArticleId } from '../features/passage/service.js';
import { lookupFlags } from '../features/settings/visibility.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('quote')
    .setDescription('A quote from the articles with a question to discuss')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName('article').setDescription('Only from this article').setAutocomplete(true))
    .addBooleanOption((o) => o.setName('public').setDescription('Show the reply to the whole channel')),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const articleId = checkArticleId(ctx, interaction.options.getString('article'));
    const flags = lookupFlags(await ctx.settings.get(guildId), interaction.options.getBoolean('public'));
    await interaction.reply({ ...(await ctx.daily.quote(guildId, articleId)), flags });
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(articleChoices(ctx, interaction.options.getFocused()));
  },
} satisfies SlashCommand;
