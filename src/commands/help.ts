import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { HELP } from '../features/help/entries.js';
import { helpView } from '../features/help/views.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('help')
    .setDescription('What every Marginalia command does, with examples')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction) {
    await interaction.reply({ ...helpView(HELP), flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
