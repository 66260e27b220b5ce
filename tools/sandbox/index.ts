// `npm run sandbox`: Marginalia on a Discord on loopback, typed at in a terminal.
// Starts the loopback server, deploys the commands to its guild with the real deploy script,
// starts the bot through its real entry point on a store, and reads commands from standard input.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import { createDefaultWorld, startLoopback, type Loopback, type World } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess } from '../bot-process.js';
import { Actions } from './actions.js';
import { style } from './render.js';
import { Screen } from './screen.js';

interface Args {
  store?: string;
  as: string;
  verbose: boolean;
  log?: string;
}

const USAGE = `Usage: npm run sandbox -- [--store URL] [--as admin|member] [--verbose] [--log FILE]
  --store URL   keep the bot's state, e.g. sqlite://data/sandbox.sqlite (default: a temporary SQLite file)
  --as NAME     who types: admin (Manage Server) or member (default admin)
  --verbose     show the bot's log lines (dimmed)
  --log FILE    append the bot's log lines to FILE`;

function parseArgs(argv: string[]): Args | string {
  const args: Args = { as: 'admin', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag = '', inline] = argv[i]!.split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag === '--verbose' || flag === '-v') args.verbose = true;
    else if (flag === '--store' || flag === '--as' || flag === '--log') {
      const v = value();
      if (!v) return `${flag} needs a value\n${USAGE}`;
      if (flag === '--store') args.store = v;
      else if (flag === '--log') args.log = v;
      else args.as = v.replace(/^@/, '');
    } else return `Unknown argument ${argv[i]}\n${USAGE}`;
  }
  if (args.store && !/^(sqlite|redis|rediss|postgres|postgresql):\/\//.test(args.store)) return `--store takes sqlite://FILE, redis://... or postgres://..., not ${args.store}`;
  return args;
}

/**
 * The "Study Group" world with the same ids on every run, so that what a `--store` keeps
 * (settings by server id, the daily post's channel) still applies next time. Snowflakes come
 * from the clock; the clock is held at one moment while the world is built.
 */
function stableWorld(): World {
  const realNow = Date.now;
  Date.now = () => Date.UTC(2024, 0, 1);
  try {
    return createDefaultWorld();
  } finally {
    Date.now = realNow;
  }
}

/** A relative sqlite path is taken from where the sandbox was started. */
function absoluteStore(url: string): string {
  const file = /^sqlite:\/\/(.+)$/.exec(url)?.[1];
  return file && file !== ':memory:' && !path.isAbsolute(file) ? `sqlite://${path.resolve(file)}` : url;
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stdout.write(parsed + '\n');
    return parsed === USAGE ? 0 : 2;
  }
  const args = parsed;
  const interactive = Boolean(process.stdin.isTTY);
  const s = style(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  let promptShown = false;
  let rl: ReturnType<typeof createInterface> | undefined;
  let outputClosed = false;
  const print = (text: string) => {
    if (outputClosed) return;
    if (promptShown && rl) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      process.stdout.write(text + '\n');
      rl.prompt(true);
    } else process.stdout.write(text + '\n');
  };

  let lb: Loopback | undefined;
  let bot: BotProcess | undefined;
  let tempDir: string | undefined;
  let stopping = false;
  const cleanup = async () => {
    stopping = true;
    await bot?.stop().catch(() => undefined);
    await lb?.close().catch(() => undefined);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  // However the sandbox ends, the bot does not outlive it and the temporary store goes.
  process.on('exit', () => {
    if (bot && bot.child.exitCode === null) bot.child.kill('SIGTERM');
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  // Ctrl-C, SIGTERM or a closed output (`| head`) end the sandbox cleanly, also during start-up.
  let interrupted = false;
  let stopWaiting = () => {};
  const onSignal = () => {
    interrupted = true;
    stopWaiting();
    rl?.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', () => {
    outputClosed = true;
    onSignal();
  });

  try {
    lb = await startLoopback({ world: stableWorld(), timeoutMs: 10_000 });
    if (!lb.world.user(args.as) || lb.world.user(args.as)?.bot) {
      print(s.red(`! --as: no member "${args.as}"; choose admin or member`));
      await cleanup();
      return 2;
    }
    tempDir = args.store ? undefined : mkdtempSync(path.join(tmpdir(), 'marginalia-sandbox-'));
    const storeUrl = args.store ? absoluteStore(args.store) : `sqlite://${path.join(tempDir!, 'store.sqlite')}`;
    print(s.dim(`Starting a Discord on loopback at ${lb.apiUrl}, deploying the commands, starting the bot on ${args.store ? storeUrl : 'a temporary store'}…`));
    await deployToLoopback(lb, { guildId: lb.world.defaultGuild.id });
    bot = await startBotProcess(lb, { storeUrl });
    if (interrupted) throw new Error('interrupted');
  } catch (error) {
    if (interrupted) {
      await cleanup();
      return 130;
    }
    print(s.red(`! The sandbox could not start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`));
    await cleanup();
    return 1;
  }

  // The bot's log: warnings and errors dimmed on screen, everything with --verbose or into --log.
  let logged = 0;
  const logLine = (line: Record<string, unknown>) => {
    const text = `${String(line['msg'] ?? '')}${Object.entries(line).filter(([k]) => !['msg', 'level', 'time', 'pid', 'hostname', 'app'].includes(k)).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('')}`;
    if (args.log) appendFileSync(args.log, JSON.stringify(line) + '\n');
    const level = Number(line['level'] ?? 30);
    if (args.verbose || level >= 40) print(s.dim(`  bot ${level >= 50 ? 'error' : level >= 40 ? 'warning' : 'log'}: ${text}`));
  };
  const drainLogs = () => {
    const current = bot!;
    while (logged < current.logs.length) logLine(current.logs[logged++]!);
  };
  drainLogs();
  const pollLogs = setInterval(drainLogs, 100);
  pollLogs.unref();
  bot.child.stderr?.on('data', (chunk: Buffer) => {
    if (args.log) appendFileSync(args.log, chunk);
    if (args.verbose) print(s.dim(chunk.toString().trimEnd()));
  });

  const screen = new Screen(lb, s, print);
  const actions = new Actions(lb, screen, print, args.as, 'study');
  const guild = lb.world.defaultGuild;
  print(
    `Marginalia sandbox: server "${guild.name}", channel #study, you are ${actions.user}. ` +
      `Type a slash command (try /help or /passage search query:CSTO), help for what else works, quit to leave.`,
  );

  rl = createInterface({ input: process.stdin, ...(interactive ? { output: process.stdout } : {}), terminal: interactive });
  const setPrompt = () => rl!.setPrompt(s.bold(`${actions.user} in #${actions.channel}> `));
  stopWaiting = () => actions.stopWaiting();
  rl.on('SIGINT', onSignal);

  let exitCode = 0;
  bot.child.once('exit', (code) => {
    if (stopping) return;
    print(s.red(`! The bot stopped (exit code ${code}); the sandbox ends.`));
    exitCode = 1;
    rl!.close();
  });

  if (interactive) {
    setPrompt();
    rl.prompt();
    promptShown = true;
  }
  for await (const line of rl) {
    promptShown = false;
    if (!interactive && line.trim()) print(`> ${line.trim()}`);
    if (interrupted || exitCode) break;
    const quit = await actions.handle(line);
    if (quit || exitCode || interrupted) break;
    if (interactive) {
      setPrompt();
      rl.prompt();
      promptShown = true;
    }
  }
  // Ended by Ctrl-D or Ctrl-C at the prompt: leave the prompt's line first.
  if (promptShown) process.stdout.write('\n');
  promptShown = false;
  rl.close();
  await screen.settle();
  drainLogs();
  clearInterval(pollLogs);
  await cleanup();
  if (interactive) print(s.dim('Bye.'));
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`! The sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
