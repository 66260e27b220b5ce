import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { articleChoices } from '../features/passage/views.js';
import { needsManageServerText, skippedText, startedView, statusView, stoppedText } from '../features/plans/views.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// As /daily: Discord sets command permissions per top-level command, so /plan stays visible and the handler refuses these.
const ADMIN_SUBCOMMANDS = new Set(['start', 'skip', 'stop']);

export default {
  data: new SlashCommandBuilder()
    .setName('plan')
    .setDescription('A reading plan: the daily post walks an article in order')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('start')
        .setDescription('Walk an article in the daily post, a few paragraphs a day (Manage Server)')
        .addStringOption((o) => o.setName('article').setDescription('The article to read').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addIntegerOption((o) => o.setName('per_day').setDescription('Paragraphs a day, 1 to 5 (default 1)').setMinValue(1).setMaxValue(5))
        .addIntegerOption((o) => o.setName('from').setDescription('The paragraph to start at (default 1)').setMinValue(1).setMaxValue(9999)),
    )
    .addSubcommand((sub) => sub.setName('status').setDescription("Where the reading plan is, and the next day's reading"))
    .addSubcommand((sub) => sub.setName('skip').setDescription("Skip the next day's reading (Manage Server)"))
    .addSubcommand((sub) => sub.setName('stop').setDescription('End the reading plan now; the daily quotes come back (Manage Server)')),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => needsManageServerText(subcommand));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (subcommand === 'start') {
      const status = await ctx.plans.start(guildId, interaction.user.id, {
        article: interaction.options.getString('article', true),
        per_day: interaction.options.getInteger('per_day'),
        from: interaction.options.getInteger('from'),
      });
      await interaction.editReply(startedView(status));
    } else if (subcommand === 'status') {
      await interaction.editReply(statusView(await ctx.plans.status(guildId)));
    } else if (subcommand === 'skip') {
      const { skipped, status } = await ctx.plans.skip(guildId);
      await interaction.editReply({ content: skippedText(status, skipped), allowedMentions: { parse: [] } });
    } else {
      await interaction.editReply({ content: stoppedText(await ctx.plans.stop(guildId)), allowedMentions: { parse: [] } });
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    await interaction.respond(focused.name === 'article' ? articleChoices(await ctx.passage.suggestArticles(interaction.guildId!, focused.value)) : []);
  },
} satisfies SlashCommand;
