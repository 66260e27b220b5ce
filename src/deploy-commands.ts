import { config as loadDotenv } from 'dotenv';
import { commandDefinitions } from './commands/index.js';
import { loadConfig } from './lib/config.js';
import { deployCommands } from './lib/deploy.js';
import { runMain } from './lib/main.js';

loadDotenv({ quiet: true });

await runMain(async () => {
  const result = await deployCommands(loadConfig(), commandDefinitions());
  const where = result.scope === 'global' ? 'globally (may take up to an hour to show everywhere)' : `in guild ${result.scope.guildId}`;
  console.log(`Registered ${result.count} commands ${where} for application ${result.applicationId}.`);
});
