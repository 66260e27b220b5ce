import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { passageChoices } from '../features/passage/views.js';
import { listPageId, reviewId } from '../features/prompts/ids.js';
import { manageServerPromptRefusal, promptAddedReply, promptListView, promptRemovedReply, promptSuggestedReply, reviewedText, reviewView } from '../features/prompts/views.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// `suggest` and `list` are for everyone, the rest for Manage Server: Discord sets default
// permissions per top-level command only, so the bot refuses these itself (as /settings does).
const ADMIN_SUBCOMMANDS = new Set(['add', 'review', 'remove']);

const TEXT_HELP = 'A question ending with ?, 10 to 300 characters';
const REF_HELP = 'Show it only with quotes of this passage, e.g. former-kazakhstan:2';

export default {
  data: new SlashCommandBuilder()
    .setName('prompt')
    .setDescription("This server's own discussion prompts")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription('Add a prompt to the daily post and /quote at once (Manage Server)')
        .addStringOption((o) => o.setName('text').setDescription(TEXT_HELP).setRequired(true).setMaxLength(300))
        .addStringOption((o) => o.setName('ref').setDescription(REF_HELP).setAutocomplete(true)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('suggest')
        .setDescription('Suggest a prompt for an admin to review')
        .addStringOption((o) => o.setName('text').setDescription(TEXT_HELP).setRequired(true).setMaxLength(300))
        .addStringOption((o) => o.setName('ref').setDescription(REF_HELP).setAutocomplete(true)),
    )
    .addSubcommand((sub) => sub.setName('review').setDescription('Approve or reject the suggested prompts (Manage Server)'))
    .addSubcommand((sub) => sub.setName('list').setDescription("This server's own prompts"))
    .addSubcommand((sub) =>
      sub
        .setName('remove')
        .setDescription("Take a prompt out of this server's rotation (Manage Server)")
        .addStringOption((o) => o.setName('id').setDescription('Its id, as /prompt list shows it, e.g. p-1k3x9a').setRequired(true).setMaxLength(20)),
    ),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => manageServerPromptRefusal(`use \`/prompt ${subcommand}\``));
    // Every answer needs the store: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const input = () => ({ text: interaction.options.getString('text', true), ref: interaction.options.getString('ref') ?? undefined });
    switch (subcommand) {
      case 'add':
        await interaction.editReply(promptAddedReply(await ctx.prompts.add(guildId, interaction.user.id, input())));
        return;
      case 'suggest':
        await interaction.editReply(promptSuggestedReply(await ctx.prompts.suggest(guildId, interaction.user.id, input())));
        return;
      case 'review':
        await interaction.editReply(reviewView(guildId, await ctx.prompts.waiting(guildId)));
        return;
      case 'list':
        await interaction.editReply(promptListView(guildId, await ctx.prompts.list(guildId)));
        return;
      default:
        await interaction.editReply(promptRemovedReply(await ctx.prompts.remove(guildId, interaction.options.getString('id', true))));
    }
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(passageChoices(await ctx.passage.suggestReferences(interaction.guildId!, interaction.options.getFocused())));
  },

  async component(interaction, ctx) {
    const guildId = interaction.guildId!;
    // An id made for another server resolves to nothing here.
    const page = listPageId.decode(interaction.customId);
    if (page?.guildId === guildId) {
      await interaction.deferUpdate();
      await interaction.editReply(promptListView(guildId, await ctx.prompts.list(guildId), page.page));
      return;
    }
    const review = reviewId.decode(interaction.customId);
    if (review?.guildId !== guildId) throw new UserError(UNKNOWN_COMPONENT);
    requireManageServer(interaction, () => manageServerPromptRefusal('review suggested prompts'));
    await interaction.deferUpdate();
    const { entry, waiting } = await ctx.prompts.review(guildId, review.promptId, review.verdict);
    await interaction.editReply(reviewView(guildId, waiting, reviewedText(entry, review.verdict === 'approve')));
  },
} satisfies SlashCommand;
