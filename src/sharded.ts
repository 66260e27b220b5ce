import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import { config as loadDotenv } from 'dotenv';
import { loadConfig } from './lib/config.js';
import { createLogger } from './lib/logger.js';
import { runMain } from './lib/main.js';
import { startHealthServer } from './lib/ops/health-server.js';
import { managerSources } from './lib/ops/shard-reports.js';
import { shardPlan } from './lib/shards.js';

loadDotenv({ quiet: true });

// Each shard drains in under 10 s on SIGTERM; the manager waits a little longer for them.
const FORCED_EXIT_MS = 11_000;

// Each shard is a child process running the ordinary entry point; discord.js tells
// each one its shard ids through the environment. All of them must share a store.
await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (config.STORE_URL.startsWith('sqlite:')) {
    logger.warn('shards on one SQLite file work on one machine only; use redis:// or postgres:// to spread them out');
  }
  const { totalShards, shardList } = await shardPlan(config);
  // Built, this file is dist/sharded.js next to dist/index.js; run from source (tsx), both are .ts.
  const fromSource = import.meta.url.endsWith('.ts');
  const manager = new ShardingManager(fileURLToPath(new URL(fromSource ? './index.ts' : './index.js', import.meta.url)), {
    token: config.DISCORD_TOKEN,
    totalShards,
    shardList,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  manager.on('shardCreate', (shard) => logger.info({ shard: shard.id, totalShards }, 'shard started'));
  const health = config.HEALTH_PORT ? await startHealthServer(config.HEALTH_PORT, managerSources(manager, shardList), logger) : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping shards');
    setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
    manager.respawn = false;
    // Each shard process drains on its own SIGTERM.
    await Promise.all(
      [...manager.shards.values()].map(
        (shard) =>
          new Promise<void>((resolve) => {
            if (!shard.process || shard.process.exitCode !== null) return resolve();
            shard.process.once('exit', () => resolve());
            shard.process.kill('SIGTERM');
          }),
      ),
    );
    health?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await manager.spawn({ amount: totalShards, timeout: 60_000 });
});
