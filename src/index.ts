import { config as loadDotenv } from 'dotenv';
import { startBot } from './bot.js';
import { runMain } from './lib/main.js';
import { loadConfig } from './lib/config.js';

loadDotenv({ quiet: true });

await runMain(async () => {
  const bot = await startBot(loadConfig());
  const shutdown = async (signal: string) => {
    bot.ctx.logger.info({ signal }, 'stopping');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
});
