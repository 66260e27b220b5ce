import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { settingsChangedView, settingsView } from '../features/settings/views.js';
import { PROMPT_STYLE_CHOICES } from '../library/prompts.js';
import type { SlashCommand } from './types.js';

export default {
  // Discord sets default permissions per top-level command, so all of /settings is for
  // Manage Server by default; server admins can open it to others in Integrations.
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription("This server's Marginalia settings")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) => sub.setName('show').setDescription('Show the settings'))
    .addSubcommand((sub) =>
      sub
        .setName('set')
        .setDescription('Change one or more settings')
        .addBooleanOption((o) => o.setName('public_replies').setDescription('Lookups visible to the channel by default'))
        .addIntegerOption((o) => o.setName('results_per_page').setDescription('Search results per page (1 to 10)').setMinValue(1).setMaxValue(10))
        .addStringOption((o) =>
          o
            .setName('prompt_style')
            .setDescription('Discussion prompts for quotes')
            .addChoices(PROMPT_STYLE_CHOICES.map((style) => ({ name: style, value: style }))),
        ),
    )
    .addSubcommand((sub) => sub.setName('reset').setDescription('Go back to the default settings')),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (subcommand === 'show') {
      await interaction.reply({ ...settingsView(await ctx.settings.get(guildId)), flags: MessageFlags.Ephemeral });
      return;
    }
    if (subcommand === 'reset') {
      await interaction.reply({ ...settingsView(await ctx.settings.reset(guildId), 'Settings back to the defaults'), flags: MessageFlags.Ephemeral });
      return;
    }
    const patch: Record<string, unknown> = {};
    for (const option of interaction.options.data[0]?.options ?? []) patch[option.name] = option.value;
    if (Object.keys(patch).length === 0) throw new UserError('Choose at least one setting to change, e.g. `/settings set results_per_page:8`.');
    const change = await ctx.settings.update(guildId, patch);
    await interaction.reply({ ...settingsChangedView(change), flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
