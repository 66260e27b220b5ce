import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type Interaction } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { errorId, type Logger } from '../lib/logger.js';
import { StoreUnavailable } from '../lib/store.js';

/** The store logs an outage once when it begins, so the many interactions it fails are not logged each. */
const STORE_UNAVAILABLE = "The bot's storage is unavailable right now. Try again in a minute.";

/** Known Discord refusals, told in words a member can act on. */
function explainDiscordError(error: DiscordAPIError): string | undefined {
  if (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess) {
    return "I don't have the permissions for that in this channel. Ask an admin to check my role.";
  }
  if (error.code === RESTJSONErrorCodes.UnknownChannel) return 'That channel no longer exists.';
  return undefined;
}

/**
 * The one place that answers a failed interaction: a UserError's own sentence, or a
 * short message with an id that is also in the log. It never throws; it tells which
 * of the two it was, `refused` (the member's input) or `error` (ours).
 */
export async function replyWithError(interaction: Interaction, error: unknown, logger: Logger): Promise<'refused' | 'error'> {
  const outcome = error instanceof UserError ? 'refused' : 'error';
  let text: string;
  if (error instanceof UserError) {
    text = error.message;
  } else if (error instanceof StoreUnavailable) {
    text = STORE_UNAVAILABLE;
  } else {
    const id = errorId();
    const known = error instanceof DiscordAPIError ? explainDiscordError(error) : undefined;
    logger.error({ err: error, errorId: id, interaction: describe(interaction) }, 'interaction failed');
    text = `${known ?? 'Something went wrong on my side.'} (error id \`${id}\`)`;
  }
  if (!interaction.isRepliable()) return outcome;
  try {
    // A deferred update (its `ephemeral` still null) would edit the clicked message: tell privately instead.
    if (interaction.deferred && !interaction.replied && interaction.ephemeral !== null) await interaction.editReply({ content: text, embeds: [], components: [] });
    else if (interaction.replied || interaction.deferred) await interaction.followUp({ content: text, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
  } catch (replyError) {
    logger.warn({ err: replyError }, 'could not tell the user about an error');
  }
  return outcome;
}

function describe(interaction: Interaction) {
  return {
    id: interaction.id,
    type: interaction.type,
    guildId: interaction.guildId,
    command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
    customId: interaction.isMessageComponent() ? interaction.customId : undefined,
  };
}
