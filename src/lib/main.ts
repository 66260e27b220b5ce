import { DiscordjsError } from 'discord.js';
import { ConfigError } from './config.js';
import { CorpusError } from '../library/corpus.js';

/**
 * Runs an entry point. A problem an admin can fix (configuration, corpus, token)
 * ends the process with one line, not a stack trace; anything else is a crash.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CorpusError) {
      console.error(`marginalia: ${error.message}`);
    } else if (error instanceof DiscordjsError && error.code === 'TokenInvalid') {
      console.error('marginalia: DISCORD_TOKEN was refused by Discord: copy the bot token again (see README, "Setup for a real server").');
    } else if (isNetworkError(error)) {
      console.error(`marginalia: cannot reach Discord at DISCORD_API_URL (${error.code}): check the network and the URL.`);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function isNetworkError(error: unknown): error is { code: string } {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
