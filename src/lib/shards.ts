import { REST } from '@discordjs/rest';
import { Routes, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { ConfigError, type Config } from './config.js';

export interface ShardPlan {
  /** Shards in the whole deployment, across every machine. */
  totalShards: number;
  /** The shards this machine runs. */
  shardList: number[];
}

/**
 * Which shards this machine runs. `TOTAL_SHARDS=auto` asks GET /gateway/bot on
 * DISCORD_API_URL itself: discord.js's own helper always asks discord.com, which a
 * loopback test cannot answer.
 */
export async function shardPlan(config: Config): Promise<ShardPlan> {
  const totalShards = config.TOTAL_SHARDS === 'auto' ? await recommendedShards(config) : config.TOTAL_SHARDS;
  const shardList = config.SHARD_IDS ?? Array.from({ length: totalShards }, (_, id) => id);
  const outside = shardList.find((id) => id >= totalShards);
  if (outside !== undefined) {
    throw new ConfigError(`SHARD_IDS names shard ${outside}, but Discord recommends ${totalShards} shards in all (ids 0 to ${totalShards - 1}): set TOTAL_SHARDS to a number (see README, "Several machines").`);
  }
  return { totalShards, shardList };
}

async function recommendedShards(config: Config): Promise<number> {
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}
