import { InteractionContextType, MessageFlags, SlashCommandBuilder, type BaseMessageOptions } from 'discord.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { articleChoices, passageChoices, passageView, searchResultView, searchView } from '../features/passage/views.js';
import { gotoId, navId, pageId, pickId, showId } from '../features/passage/ids.js';
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
        .setDescription('Show a passage by reference, e.g. former-kazakhstan:2 or why-putin-interferes 2-3')
        .addStringOption((o) => o.setName('ref').setDescription("article:paragraph, article from-to, or an article id or title's first words").setRequired(true).setMaxLength(100).setAutocomplete(true))
        .addBooleanOption((o) => o.setName('public').setDescription('Show the reply to the whole channel')),
    ),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    // From memory but for a server's first lookup: whether the reply is private decides its first response.
    const settings = await ctx.settings.get(guildId);
    const flags = lookupFlags(settings, interaction.options.getBoolean('public'));
    // A public reply posts to the channel, so it waits out the member's cooldown.
    const send = async (post: () => Promise<unknown>) => (flags ? post() : ctx.cooldowns.posting(guildId, interaction.user.id, post));
    if (interaction.options.getSubcommand() === 'show') {
      const range = await ctx.passage.show(guildId, interaction.options.getString('ref', true));
      await send(() => interaction.reply({ ...passageView(range), flags }));
      return;
    }
    // A server's own spellings are read from the store, and the page buttons need the search
    // kept there: acknowledge first.
    await send(async () => {
      await interaction.deferReply({ flags });
      const result = await ctx.passage.search({
        guildId,
        userId: interaction.user.id,
        query: interaction.options.getString('query', true),
        articleId: interaction.options.getString('article'),
        perPage: settings.results_per_page,
      });
      await interaction.editReply(result.kind === 'found' ? searchView(await ctx.passage.keep(result.matches)) : searchResultView(result));
    });
  },

  async autocomplete(interaction, ctx) {
    const guildId = interaction.guildId!;
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'article') {
      await interaction.respond(articleChoices(await ctx.passage.suggestArticles(guildId, focused.value)));
      return;
    }
    const suggestions =
      focused.name === 'ref'
        ? await ctx.passage.suggestReferences(guildId, focused.value)
        : await ctx.passage.suggestPassages(guildId, focused.value, interaction.options.getString('article'));
    await interaction.respond(passageChoices(suggestions));
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
    const goto = gotoId.decode(id);
    const page = pageId.decode(id);
    const pick = pickId.decode(id);
    if (show) {
      await showPrivately(show);
    } else if (nav) {
      await answer(passageView(await ctx.passage.show(guildId, formatRef(nav.articleId, nav.paragraph, nav.to))));
    } else if (goto && interaction.isStringSelectMenu()) {
      const paragraph = interaction.values[0] ?? '';
      if (!/^\d{1,4}$/.test(paragraph)) throw new UserError(UNKNOWN_COMPONENT);
      await answer(passageView(await ctx.passage.show(guildId, formatRef(goto, Number(paragraph)))));
    } else if (page) {
      // The search is read back from the store: acknowledge first, then edit.
      if (mine) await interaction.deferUpdate();
      else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const { results_per_page: perPage } = await ctx.settings.get(guildId);
      await interaction.editReply(searchView(await ctx.passage.searchPage(guildId, page.sessionId, page.page, perPage)));
    } else if (pick && interaction.isStringSelectMenu()) {
      // The search is checked in the store: acknowledge first, then edit.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply(passageView(await ctx.passage.pick(guildId, pick, interaction.values[0] ?? '')));
    } else {
      throw new UserError(UNKNOWN_COMPONENT);
    }
  },
} satisfies SlashCommand;
