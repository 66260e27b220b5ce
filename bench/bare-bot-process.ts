// Starts bench/bare-bot.ts as its own process, compiled to JavaScript first: run through tsx it
// would carry the loader (about 28 MB of RSS) that the built bot it is compared with does not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loopback } from '@marginalia/loopback';
import { startBotProcess, type BotProcess } from '../tools/bot-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules so that the compiled file resolves discord.js as the bot does.
const outDir = path.join(root, 'node_modules', '.cache', 'marginalia-bench');
let compiled = false;

function compile(): void {
  if (compiled) return;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const options = ['--outDir', outDir, '--rootDir', root, '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--noCheck', '--types', 'node'];
  execFileSync(process.execPath, [tsc, ...options, path.join(root, 'bench', 'bare-bot.ts')], { stdio: 'inherit' });
  // Node stops looking for package.json at node_modules: without this the output would load as CommonJS.
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  compiled = true;
}

/** The bare bot logged into `lb`: discord.js's default caches, or Marginalia's client options with `ours`. */
export async function startBareBot(lb: Loopback, caches: 'default' | 'ours' = 'default'): Promise<BotProcess> {
  compile();
  // startBotProcess runs `dist/<entry>.js` when built; the compiled bare bot is reached from there.
  const entry = path.relative(path.join(root, 'dist'), path.join(outDir, 'bench', 'bare-bot.ts'));
  return startBotProcess(lb, { storeUrl: 'sqlite://:memory:', built: true, entry, env: { BARE_BOT_CACHES: caches } });
}
