import { config as loadDotenv } from 'dotenv';
import { startBot } from './bot.js';
import { runMain } from './lib/main.js';
import { loadConfig } from './lib/config.js';

loadDotenv({ quiet: true });

// SIGTERM (docker stop, systemd, Kubernetes) must end the process within 10 s.
const FORCED_EXIT_MS = 9_500;

await runMain(async () => {
  const bot = await startBot(loadConfig());
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    bot.ctx.logger.info({ signal }, 'stopping');
    setTimeout(() => {
      bot.ctx.logger.error('could not stop within 10 s; exiting anyway');
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    try {
      await bot.stop();
      bot.ctx.logger.info('stopped');
      process.exit(0);
    } catch (error) {
      bot.ctx.logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
});
