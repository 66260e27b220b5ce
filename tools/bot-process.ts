// The bot as a child process, pointed at a Discord on loopback: deploys the commands with the real
// deploy script and starts the bot through its real entry point. It lives in tools/, not in
// test/helpers/ or in the package, because it knows the app (src/, dist/) and both the tests and the
// sandbox (tools/sandbox/) use it; tools/ never imports test/, and the package never imports the app.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Loopback } from '@marginalia/loopback';

/** The project's root, one folder above tools/. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BotProcessOptions {
  storeUrl: string;
  /** Extra environment, e.g. LOG_LEVEL or CORPUS_DIR; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The working directory (default: the project), where `.env`, `corpus` and `data` are looked up. */
  cwd?: string;
  /** Entry point under src/, `index.ts` by default (`sharded.ts` for the ShardingManager). */
  entry?: string;
  /** Run the built JavaScript in dist/ (as `npm start` does) instead of the TypeScript source. */
  built?: boolean;
  shards?: number;
}

export interface BotProcess {
  child: ChildProcess;
  /** Every JSON log line the bot wrote so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

/** The bot's own environment, pointed at the loopback server. */
function botEnv(lb: Loopback, options: BotProcessOptions): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DISCORD_TOKEN: lb.token,
    DISCORD_API_URL: lb.apiUrl,
    STORE_URL: options.storeUrl,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

function run(script: string, env: NodeJS.ProcessEnv, built = false, cwd = root): ChildProcess {
  // tsx is resolved from the project, whatever the working directory.
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const args = built ? [path.join(root, 'dist', script.replace(/\.ts$/, '.js'))] : ['--import', pathToFileURL(tsx).href, path.join(root, 'src', script)];
  return spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `npm run deploy-commands` against the loopback server (one guild when given): its exit code and what it printed. */
export async function runDeploy(lb: Loopback, options: { guildId?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; output: string }> {
  const child = run('deploy-commands.ts', botEnv(lb, { storeUrl: 'sqlite://:memory:', env: { ...(options.guildId ? { DEV_GUILD_ID: options.guildId } : {}), ...options.env } }));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output: output.trim() };
}

/** Runs `npm run deploy-commands` against the loopback server (one guild when given) and returns what it printed. */
export async function deployToLoopback(lb: Loopback, options: { guildId?: string; env?: Record<string, string> } = {}): Promise<string> {
  const { code, output } = await runDeploy(lb, options);
  if (code !== 0) throw new Error(`deploy-commands exited with ${code}: ${output}`);
  return output;
}

/** Starts the bot through its real entry point and waits until it is logged in and its start-up work is done. */
export async function startBotProcess(lb: Loopback, options: BotProcessOptions): Promise<BotProcess> {
  const child = run(options.entry ?? 'index.ts', botEnv(lb, options), options.built, options.cwd);
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const ready = async () => {
    const deadline = Date.now() + 30_000;
    const wanted = options.shards ?? 1;
    while (logs.filter((line) => line.msg === 'ready').length < wanted) {
      if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}: ${stderr.trim() || JSON.stringify(logs.slice(-3))}`);
      if (Date.now() > deadline) throw new Error(`the bot was not ready within 30 s; last logs: ${JSON.stringify(logs.slice(-3))} ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await ready();
  return {
    child,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
