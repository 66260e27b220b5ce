import { DiscordAPIError, REST } from '@discordjs/rest';
import { RESTJSONErrorCodes, Routes, type APIApplication, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { ConfigError, type Config } from './config.js';

export interface DeployResult {
  applicationId: string;
  scope: 'global' | { guildId: string };
  count: number;
}

/**
 * Registers the command definitions: in one guild with DEV_GUILD_ID (instant),
 * otherwise globally. The application id comes from the token when not configured.
 * A refused token, a guild the bot is not in or another application's id is a
 * ConfigError naming the variable, so the script answers in one line.
 */
export async function deployCommands(config: Config, definitions: RESTPostAPIApplicationCommandsJSONBody[]): Promise<DeployResult> {
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  let applicationId = config.DISCORD_CLIENT_ID;
  if (!applicationId) {
    try {
      applicationId = ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    } catch (error) {
      throw explain(error, config);
    }
  }
  const route = config.DEV_GUILD_ID ? Routes.applicationGuildCommands(applicationId, config.DEV_GUILD_ID) : Routes.applicationCommands(applicationId);
  let registered: unknown[];
  try {
    registered = (await rest.put(route, { body: definitions })) as unknown[];
  } catch (error) {
    throw explain(error, config);
  }
  return { applicationId, scope: config.DEV_GUILD_ID ? { guildId: config.DEV_GUILD_ID } : 'global', count: registered.length };
}

/**
 * The variable an admin should fix, when Discord's answer points at one; anything else
 * (a network failure, a body Discord rejects) is returned unchanged.
 * Discord checks the token, then the application, then the guild.
 */
function explain(error: unknown, config: Config): unknown {
  if (!(error instanceof DiscordAPIError)) return error;
  const said = error.message.split('\n')[0];
  if (error.status === 401) {
    return new ConfigError('DISCORD_TOKEN was refused by Discord (401 Unauthorized): copy the bot token again (see README, "Setup for a real server").');
  }
  if (config.DISCORD_CLIENT_ID && (error.code === RESTJSONErrorCodes.UnknownApplication || error.code === RESTJSONErrorCodes.NotAuthorizedToPerformThisActionOnThisApplication)) {
    return new ConfigError(
      `DISCORD_CLIENT_ID ${config.DISCORD_CLIENT_ID} is not this token's application (Discord said: ${said}): ` +
        'leave it empty to read it from the token, or copy the Application ID of the bot\'s application (see README, "Deploying the commands").',
    );
  }
  if (config.DEV_GUILD_ID && (error.code === RESTJSONErrorCodes.MissingAccess || error.code === RESTJSONErrorCodes.UnknownGuild)) {
    return new ConfigError(
      `DEV_GUILD_ID ${config.DEV_GUILD_ID} is not a server the bot is in (Discord said: ${said}): ` +
        'invite the bot there with the applications.commands scope, or unset DEV_GUILD_ID to register globally (see README, "Deploying the commands").',
    );
  }
  return error;
}
