import { InteractionContextType, MessageFlags, SlashCommandBuilder, type BaseMessageOptions } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { articleChoices, passageChoices, passageView, searchResultView, searchView } from '../features/passage/views.js';
import { navId, pageId, pickId, showId } from '../features/passage/ids.js';
import { formatRef } from '../library/references.js';
import { lookupFlags } from '../features/settings/views.js';
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
    const guildId = interaction.guildId!;
    const settings = await ctx.settings.get(guildId);
    const flags = lookupFlags(settings, interaction.options.getBoolean('public'));
    if (interaction.options.getSubcommand() === 'show') {
      const range = await ctx.passage.show(guildId, interaction.options.getString('ref', true));
      await interaction.reply({ ...passageView(range), flags });
      return;
    }
    const result = await ctx.passage.search({
      guildId,
      userId: interaction.user.id,
      query: interaction.options.getString('query', true),
      articleId: interaction.options.getString('article'),
      perPage: settings.results_per_page,
    });
    await interaction.reply({ ...searchResultView(result), flags });
  },

  async autocomplete(interaction, ctx) {
    const guildId = interaction.guildId!;
    const focused = interaction.options.getFocused(true);
    const choices =
      focused.name === 'article'
        ? articleChoices(await ctx.passage.suggestArticles(guildId, focused.value))
        : passageChoices(await ctx.passage.suggestPassages(guildId, focused.value, interaction.options.getString('article')));
    await interaction.respond(choices);
  },

  async component(interaction, ctx) {
    const guildId = interaction.guildId!;
    // Only the person who asked moves a shared message; anyone else gets a private copy.
    const owner = interaction.message.interactionMetadata?.user.id;
    const mine = interaction.message.flags.has(MessageFlags.Ephemeral) || owner === interaction.user.id;
    const answer = async (payload: BaseMessageOptions) => (mine ? interaction.update(payload) : interaction.reply({ ...payload, flags: MessageFlags.Ephemeral }));
    const showPrivately = async (ref: string) => interaction.reply({ ...passageView(await ctx.passage.show(guildId, ref)), flags: MessageFlags.Ephemeral });

    const id = interaction.customId;
    const show = showId.decode(id);
    const nav = navId.decode(id);
    const page = pageId.decode(id);
    if (show) {
      await showPrivately(show);
    } else if (nav) {
      await answer(passageView(await ctx.passage.show(guildId, formatRef(nav.articleId, nav.paragraph))));
    } else if (page) {
      const { results_per_page: perPage } = await ctx.settings.get(guildId);
      await answer(searchView(await ctx.passage.searchPage(guildId, page.sessionId, page.page, perPage)));
    } else if (pickId.decode(id) && interaction.isStringSelectMenu()) {
      await showPrivately(interaction.values[0] ?? '');
    } else {
      throw new UserError('This button is from an older version of Marginalia: run the command again.');
    }
  },
} satisfies SlashCommand;
