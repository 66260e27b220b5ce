import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { requireManageServer } from '../discord/manage-server.js';
import { DAY_NAMES, needsManageServerText, offText, recapView, scheduledView } from '../features/recap/views.js';
import type { SlashCommand } from './types.js';

// As /daily: Discord sets command permissions per top-level command, so /recap stays visible and the handler refuses these.
const ADMIN_SUBCOMMANDS = new Set(['schedule', 'off']);

export default {
  data: new SlashCommandBuilder()
    .setName('recap')
    .setDescription('What the group read, discussed, polled and noted')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('show')
        .setDescription('The recap of the last days: posts and threads, polls, most-noted passages, the reading plan')
        .addIntegerOption((o) => o.setName('days').setDescription('How many days back, 1 to 31 (default 7)').setMinValue(1).setMaxValue(31)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('schedule')
        .setDescription("Post the last week's recap weekly in the daily post's channel (Manage Server)")
        .addIntegerOption((o) =>
          o
            .setName('day')
            .setDescription('The weekday')
            .setRequired(true)
            .addChoices(...DAY_NAMES.map((name, index) => ({ name, value: index + 1 }))),
        )
        .addStringOption((o) => o.setName('time').setDescription("Local time in the daily post's timezone, HH:MM on a 24-hour clock, e.g. 18:00").setRequired(true).setMaxLength(20)),
    )
    .addSubcommand((sub) => sub.setName('off').setDescription('Stop the weekly recap (Manage Server)')),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => needsManageServerText(subcommand));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (subcommand === 'show') {
      await interaction.editReply(recapView(await ctx.recap.show(guildId, { days: interaction.options.getInteger('days') })));
    } else if (subcommand === 'schedule') {
      const scheduled = await ctx.recap.schedule(guildId, { day: interaction.options.getInteger('day', true), time: interaction.options.getString('time', true) });
      await interaction.editReply(scheduledView(scheduled));
    } else {
      await interaction.editReply({ content: offText(await ctx.recap.off(guildId)), allowedMentions: { parse: [] } });
    }
  },
} satisfies SlashCommand;
