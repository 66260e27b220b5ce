import { REST } from '@discordjs/rest';
import { Routes, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Config } from './config.js';

/**
 * How many shards to run. `auto` asks GET /gateway/bot on DISCORD_API_URL itself:
 * discord.js's own helper always asks discord.com, which a loopback test cannot answer.
 */
export async function shardCount(config: Config): Promise<number> {
  if (config.SHARD_COUNT !== 'auto') return config.SHARD_COUNT;
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}
