import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { articleChoices, passageChoices, passageReply, searchPageReply, searchReply } from '../features/passage/service.js';
import { formatRef } from '../library/references.js';
import { lookupFlags } from '../features/settings/visibility.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('passage')
    .setDescription('Look passages of the articles up')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('search')
        .setDescription('Find passages by words, names or phrases')
        .addStringOption((o) => o.setName('query').setDescription('Words to look for (typos are fine)').setRequired(true).setMaxLength(300).setAutocomplete(true))
        .addStringOption((o) => o.setName('article').setDescription('Only this article').setAutocomplete(true))
        .addBooleanOption((o) => o.setName('public').setDescription('Show the reply to the whole channel')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('show')
        .setDescription('Show a passage by reference, e.g. former-kazakhstan:2 or why-putin-interferes:2-3')
        .addStringOption((o) => o.setName('ref').setDescription('article:paragraph or article:from-to').setRequired(true).setMaxLength(100).setAutocomplete(true))
        .addBooleanOption((o) => o.setName('public').setDescription('Show the reply to the whole channel')),
    ),

  async execute(interaction, ctx) {
    const settings = await ctx.settings.get(interaction.guildId!);
    const flags = lookupFlags(settings, interaction.options.getBoolean('public'));
    if (interaction.options.getSubcommand() === 'show') {
      await interaction.reply({ ...passageReply(ctx, interaction.options.getString('ref', true)), flags });
      return;
    }
    const reply = await searchReply(ctx, {
      guildId: interaction.guildId!,
      userId: interaction.user.id,
      query: interaction.options.getString('query', true),
      articleId: interaction.options.getString('article'),
      perPage: settings.results_per_page,
    });
    await interaction.reply({ ...reply, flags });
  },

  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    const choices =
      focused.name === 'article'
        ? articleChoices(ctx, focused.value)
        : passageChoices(ctx, focused.value, interaction.options.getString('article'));
    await interaction.respond(choices);
  },

  // passage:show:<ref> opens privately; passage:nav:<article>:<n> pages in place;
  // passage:page:<session>:<page> pages a search; passage:pick:<session> opens a match.
  async component(interaction, ctx) {
    const [, action, first, second] = interaction.customId.split(':');
    // Only the person who asked moves a shared message; anyone else gets a private copy.
    const owner = interaction.message.interactionMetadata?.user.id;
    const mine = interaction.message.flags.has(MessageFlags.Ephemeral) || owner === interaction.user.id;
    const answer = async (payload: Awaited<ReturnType<typeof searchPageReply>>) =>
      mine ? interaction.update(payload) : interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });

    if (action === 'show' && first) {
      await interaction.reply({ ...passageReply(ctx, interaction.customId.slice('passage:show:'.length)), flags: MessageFlags.Ephemeral });
    } else if (action === 'nav' && first && second) {
      await answer(passageReply(ctx, formatRef(first, Number(second))));
    } else if (action === 'page' && first && second) {
      const { results_per_page: perPage } = await ctx.settings.get(interaction.guildId!);
      await answer(await searchPageReply(ctx, first, Number(second), perPage));
    } else if (action === 'pick' && interaction.isStringSelectMenu()) {
      await interaction.reply({ ...passageReply(ctx, interaction.values[0] ?? ''), flags: MessageFlags.Ephemeral });
    } else {
      throw new UserError('This button is from an older version of Marginalia: run the command again.');
    }
  },
} satisfies SlashCommand;
