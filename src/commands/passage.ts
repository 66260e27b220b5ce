import { InteractionContextType, MessageFlags, SlashCommandBuilder, type BaseMessageOptions, type Client } from 'discord.js';
import type { BotContext } from '../context.js';
import { checkLinks } from '../discord/links.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { StoreUnavailable } from '../lib/store.js';
import { historyId, historyPageId, type HistoryPageRef } from '../features/history/ids.js';
import { historyLine, historyPage, historyView } from '../features/history/views.js';
import { articleChoices, passageChoices, passageView, searchResultView, searchView } from '../features/passage/views.js';
import { gotoId, navId, pageId, pickId, showId } from '../features/passage/ids.js';
import { formatRef, type PassageRange } from '../library/references.js';
import { lookupFlags } from '../features/settings/views.js';
import type { SlashCommand } from './types.js';

/**
 * A passage with its history line and History button when the group has done something with it.
 * The history is a store read: when the store fails, the passage (from memory) is shown without it.
 */
async function withHistory(ctx: BotContext, guildId: string, range: PassageRange): Promise<BaseMessageOptions> {
  const entries = await ctx.history.ofPassage(guildId, range.article.id, range.from, range.to).catch((error: unknown) => {
    // The store logs an outage once when it begins; anything else is logged here.
    if (!(error instanceof StoreUnavailable)) ctx.logger.warn({ err: error, guildId }, 'passage shown without its history: the history could not be read');
    return [];
  });
  const line = historyLine(ctx.history.summary(entries));
  return passageView(range, line ? { guildId, line } : undefined);
}

/** A page of a passage's history, its messages and threads checked with Discord first. */
async function historyReply(ctx: BotContext, client: Client, { guildId, articleId, from, to, page }: HistoryPageRef): Promise<BaseMessageOptions> {
  // The library's answer for an article removed since: a clear sentence.
  const range = await ctx.passage.show(guildId, formatRef(articleId, from, to));
  const entries = await ctx.history.ofPassage(guildId, articleId, range.from, range.to);
  const shown = historyPage({ guildId, articleId, from: range.from, to: range.to, page, title: range.article.title, entries });
  return historyView(shown, await checkLinks(client, shown.shown.map((entry) => ({ guildId, ...entry }))));
}

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
      // A bad reference is refused privately before anything is posted; the history is read from the store after.
      const range = await ctx.passage.show(guildId, interaction.options.getString('ref', true));
      await send(async () => {
        await interaction.deferReply({ flags });
        await interaction.editReply(await withHistory(ctx, guildId, range));
      });
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
    // Only the person who asked moves a shared message; anyone else gets a private copy. Every
    // answer reads the passage's history from the store: acknowledged first, then edited.
    const owner = interaction.message.interactionMetadata?.user.id;
    const mine = interaction.message.flags.has(MessageFlags.Ephemeral) || owner === interaction.user.id;
    const privately = () => interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const answer = async (range: PassageRange) => {
      await (mine ? interaction.deferUpdate() : privately());
      await interaction.editReply(await withHistory(ctx, guildId, range));
    };

    const id = interaction.customId;
    const show = showId.decode(id);
    const nav = navId.decode(id);
    const goto = gotoId.decode(id);
    const page = pageId.decode(id);
    const pick = pickId.decode(id);
    const history = historyId.decode(id);
    const historyTurn = historyPageId.decode(id);
    if (show) {
      const range = await ctx.passage.show(guildId, show);
      await privately();
      await interaction.editReply(await withHistory(ctx, guildId, range));
    } else if (nav) {
      await answer(await ctx.passage.show(guildId, formatRef(nav.articleId, nav.paragraph, nav.to)));
    } else if (goto && interaction.isStringSelectMenu()) {
      const paragraph = interaction.values[0] ?? '';
      if (!/^\d{1,4}$/.test(paragraph)) throw new UserError(UNKNOWN_COMPONENT);
      await answer(await ctx.passage.show(guildId, formatRef(goto, Number(paragraph))));
    } else if (page) {
      // The search is read back from the store: acknowledge first, then edit.
      if (mine) await interaction.deferUpdate();
      else await privately();
      const { results_per_page: perPage } = await ctx.settings.get(guildId);
      await interaction.editReply(searchView(await ctx.passage.searchPage(guildId, page.sessionId, page.page, perPage)));
    } else if (pick && interaction.isStringSelectMenu()) {
      // The search is checked in the store: acknowledge first, then edit.
      await privately();
      await interaction.editReply(await withHistory(ctx, guildId, await ctx.passage.pick(guildId, pick, interaction.values[0] ?? '')));
    } else if (history?.guildId === guildId) {
      // The History button opens the history privately; its Newer / Older turn that private page.
      // An id of another server (forwarded or forged) opens nothing here.
      await privately();
      await interaction.editReply(await historyReply(ctx, interaction.client, history));
    } else if (historyTurn?.guildId === guildId) {
      await interaction.deferUpdate();
      await interaction.editReply(await historyReply(ctx, interaction.client, historyTurn));
    } else {
      throw new UserError(UNKNOWN_COMPONENT);
    }
  },
} satisfies SlashCommand;
