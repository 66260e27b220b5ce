import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { manageServerRefusal, settingsChangedView, settingsResetView, settingsView } from '../features/settings/views.js';
import { PROMPT_STYLE_CHOICES } from '../library/prompts.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// SPEC: `/settings show` is for everyone, `set` and `reset` for Manage Server. Discord sets
// default permissions per top-level command only, so the bot refuses these two itself.
const ADMIN_SUBCOMMANDS = new Set(['set', 'reset']);

export default {
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription("This server's Marginalia settings")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) => sub.setName('show').setDescription('Show the settings'))
    .addSubcommand((sub) =>
      sub
        .setName('set')
        .setDescription('Change one or more settings (Manage Server)')
        .addBooleanOption((o) => o.setName('public_replies').setDescription('Lookups visible to the channel by default'))
        .addIntegerOption((o) => o.setName('results_per_page').setDescription('Search results per page (1 to 10)').setMinValue(1).setMaxValue(10))
        .addStringOption((o) =>
          o
            .setName('prompt_style')
            .setDescription('Discussion prompts for quotes')
            .addChoices(PROMPT_STYLE_CHOICES.map((style) => ({ name: style, value: style }))),
        )
        .addIntegerOption((o) =>
          o.setName('cooldown_seconds').setDescription('Seconds a member waits between posts to the channel (0 to 3600)').setMinValue(0).setMaxValue(3600),
        )
        .addBooleanOption((o) => o.setName('shipped_articles').setDescription('The articles that come with Marginalia in this server (false hides them)'))
        .addIntegerOption((o) =>
          o.setName('history_days').setDescription('Days the discussion history and notes are kept (30 to 3650)').setMinValue(30).setMaxValue(3650),
        ),
    )
    .addSubcommand((sub) => sub.setName('reset').setDescription('Go back to the default settings (Manage Server)')),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => manageServerRefusal(subcommand));
    if (subcommand === 'show') {
      await interaction.reply({ ...settingsView(await ctx.settings.get(guildId)), flags: MessageFlags.Ephemeral });
      return;
    }
    if (subcommand === 'reset') {
      await interaction.reply({ ...settingsResetView(await ctx.settings.reset(guildId)), flags: MessageFlags.Ephemeral });
      return;
    }
    const patch = Object.fromEntries((interaction.options.data[0]?.options ?? []).map((option) => [option.name, option.value]));
    await interaction.reply({ ...settingsChangedView(await ctx.settings.update(guildId, patch)), flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
