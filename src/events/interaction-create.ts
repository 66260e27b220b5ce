import { Events, MessageFlags, type Interaction } from 'discord.js';
import { findMessageMenu, findSlashCommand } from '../commands/index.js';
import type { BotContext } from '../context.js';
import { replyWithError } from '../discord/reply-error.js';
import { commandOf } from '../lib/custom-id.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { defineEvent } from './types.js';

const UNKNOWN_COMMAND = 'This command is from an older version of Marginalia and no longer exists: `/help` lists the current ones.';

/** The one dispatcher: routes every interaction to its command and owns error replies. */
export default defineEvent({
  name: Events.InteractionCreate,
  async execute(ctx, interaction) {
    const { metrics, drain, firstResponses } = ctx.ops;
    const labels = labelsOf(interaction);
    firstResponses.arrived(interaction.id, labels.command);
    if (drain.draining) {
      // Shutting down: the gateway closes once the work in flight is answered.
      if (interaction.isRepliable()) {
        await interaction
          .reply({ content: 'Marginalia is restarting. Try again in a few seconds.', flags: MessageFlags.Ephemeral })
          .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not refuse an interaction while stopping'));
      }
      metrics.interactions.inc({ ...labels, outcome: 'draining' });
      return;
    }
    const outcome = await drain.track(() => dispatch(ctx, interaction));
    metrics.interactions.inc({ ...labels, outcome });
  },
});

async function dispatch(ctx: BotContext, interaction: Interaction): Promise<'ok' | 'refused' | 'error'> {
  try {
    if (!interaction.inGuild()) {
      if (interaction.isRepliable()) await interaction.reply({ content: 'Marginalia works inside servers.', flags: MessageFlags.Ephemeral });
      return 'refused';
    }
    // A server's first use of its library reads the store (its articles and prompts): started now, the reads
    // run beside the command's own settings read instead of after it. A failure reaches the command, which reads it again.
    ctx.library.forGuild(interaction.guildId).catch(() => undefined);
    if (interaction.isAutocomplete()) {
      // Autocomplete never shows errors: an empty list is the polite failure.
      try {
        await findSlashCommand(interaction.commandName)?.autocomplete?.(interaction, ctx);
      } catch (error) {
        ctx.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
        return 'error';
      }
      return 'ok';
    }
    // Commands and ids this version does not know come from older registrations or messages
    // (or an altered client): a refusal that says so, not an error of ours.
    if (interaction.isChatInputCommand()) {
      const command = findSlashCommand(interaction.commandName);
      if (!command) throw new UserError(UNKNOWN_COMMAND);
      await command.execute(interaction, ctx);
    } else if (interaction.isMessageContextMenuCommand()) {
      const command = findMessageMenu(interaction.commandName);
      if (!command) throw new UserError(UNKNOWN_COMMAND);
      await command.execute(interaction, ctx);
    } else if (interaction.isMessageComponent()) {
      const command = findSlashCommand(commandOf(interaction.customId));
      if (!command?.component || !(interaction.isButton() || interaction.isStringSelectMenu())) throw new UserError(UNKNOWN_COMPONENT);
      await command.component(interaction, ctx);
    }
    return 'ok';
  } catch (error) {
    return replyWithError(interaction, error, ctx.logger);
  }
}

/** Metric labels: a bounded set (command and subcommand names, or a component's command), never user text. */
function labelsOf(interaction: Interaction): { command: string; kind: string } {
  if (interaction.isChatInputCommand()) {
    const sub = interaction.options.getSubcommand(false);
    return { command: sub ? `${interaction.commandName} ${sub}` : interaction.commandName, kind: 'command' };
  }
  if (interaction.isAutocomplete()) return { command: interaction.commandName, kind: 'autocomplete' };
  if (interaction.isMessageContextMenuCommand()) return { command: interaction.commandName, kind: 'menu' };
  if (interaction.isMessageComponent()) {
    const command = commandOf(interaction.customId);
    return { command: findSlashCommand(command) ? command : 'unknown', kind: 'component' };
  }
  return { command: 'other', kind: 'other' };
}
