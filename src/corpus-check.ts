import { config as loadDotenv } from 'dotenv';
import { corpusDirFromEnv } from './lib/config.js';
import { checkCorpus } from './library/corpus-report.js';
import { runMain } from './lib/main.js';

loadDotenv({ quiet: true });

// `npm run corpus:check -- <dir>` checks another folder than CORPUS_DIR.
await runMain(async () => {
  console.log(await checkCorpus(process.argv[2] ?? corpusDirFromEnv()));
});
