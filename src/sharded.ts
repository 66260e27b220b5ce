import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import { config as loadDotenv } from 'dotenv';
import { loadConfig } from './lib/config.js';
import { createLogger } from './lib/logger.js';
import { runMain } from './lib/main.js';
import { shardCount } from './lib/shards.js';

loadDotenv({ quiet: true });

// Each shard is a child process running the ordinary entry point; discord.js tells
// each one its shard ids through the environment. All of them must share a store.
await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (config.STORE_URL.startsWith('sqlite:')) {
    logger.warn('shards on one SQLite file work on one machine only; use redis:// or postgres:// to spread them out');
  }
  const totalShards = await shardCount(config);
  // Built, this file is dist/sharded.js next to dist/index.js; run from source (tsx), both are .ts.
  const fromSource = import.meta.url.endsWith('.ts');
  const manager = new ShardingManager(fileURLToPath(new URL(fromSource ? './index.ts' : './index.js', import.meta.url)), {
    token: config.DISCORD_TOKEN,
    totalShards,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  manager.on('shardCreate', (shard) => logger.info({ shard: shard.id, totalShards }, 'shard started'));
  await manager.spawn({ timeout: 60_000 });
});
