import { REST } from '@discordjs/rest';
import { Routes, type APIApplication, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from './config.js';

export interface DeployResult {
  applicationId: string;
  scope: 'global' | { guildId: string };
  count: number;
}

/**
 * Registers the command definitions: in one guild with DEV_GUILD_ID (instant),
 * otherwise globally. The application id comes from the token when not configured.
 */
export async function deployCommands(config: Config, definitions: RESTPostAPIApplicationCommandsJSONBody[]): Promise<DeployResult> {
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const applicationId = config.DISCORD_CLIENT_ID ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = config.DEV_GUILD_ID ? Routes.applicationGuildCommands(applicationId, config.DEV_GUILD_ID) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body: definitions })) as unknown[];
  return { applicationId, scope: config.DEV_GUILD_ID ? { guildId: config.DEV_GUILD_ID } : 'global', count: registered.length };
}
