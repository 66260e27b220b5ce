import { Events, MessageFlags } from 'discord.js';
import { findMessageMenu, findSlashCommand } from '../commands/index.js';
import { replyWithError } from '../lib/reply-error.js';
import { defineEvent } from './types.js';

/** The one dispatcher: routes every interaction to its command and owns error replies. */
export default defineEvent({
  name: Events.InteractionCreate,
  async execute(ctx, interaction) {
    try {
      if (!interaction.inGuild()) {
        if (interaction.isRepliable()) await interaction.reply({ content: 'Marginalia works inside servers.', flags: MessageFlags.Ephemeral });
        return;
      }
      if (interaction.isAutocomplete()) {
        // Autocomplete never shows errors: an empty list is the polite failure.
        try {
          await findSlashCommand(interaction.commandName)?.autocomplete?.(interaction, ctx);
        } catch (error) {
          ctx.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
          if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
        }
        return;
      }
      if (interaction.isChatInputCommand()) {
        const command = findSlashCommand(interaction.commandName);
        if (!command) throw new Error(`no handler for /${interaction.commandName}`);
        await command.execute(interaction, ctx);
      } else if (interaction.isMessageContextMenuCommand()) {
        const command = findMessageMenu(interaction.commandName);
        if (!command) throw new Error(`no handler for the "${interaction.commandName}" menu`);
        await command.execute(interaction, ctx);
      } else if (interaction.isButton() || interaction.isStringSelectMenu()) {
        const command = findSlashCommand(interaction.customId.split(':')[0]!);
        if (!command?.component) throw new Error(`no handler for the component ${interaction.customId}`);
        await command.component(interaction, ctx);
      }
    } catch (error) {
      await replyWithError(interaction, error, ctx.logger);
    }
  },
});
