import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { quoteMessage } from '../features/daily/views.js';
import { articleChoices } from '../features/passage/views.js';
import { lookupFlags } from '../features/settings/views.js';
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
    // The settings come from memory but for a server's first lookup.
    const flags = lookupFlags(await ctx.settings.get(guildId), interaction.options.getBoolean('public'));
    // A bad article is refused privately; the quote then needs the server's rotation from the store, so acknowledge first.
    const post = async () => {
      const card = await ctx.quote.random(guildId, interaction.options.getString('article'), () => interaction.deferReply({ flags }));
      await interaction.editReply(quoteMessage(card, { kind: 'quote' }));
    };
    // A public reply posts to the channel, so it waits out the member's cooldown.
    await (flags ? post() : ctx.cooldowns.posting(guildId, interaction.user.id, post));
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(articleChoices(await ctx.passage.suggestArticles(interaction.guildId!, interaction.options.getFocused())));
  },
} satisfies SlashCommand;
