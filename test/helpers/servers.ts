import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@keyv/redis';

/**
 * Real Redis and PostgreSQL servers on 127.0.0.1 for the store tests, each in its
 * own temporary folder. CI installs them (.ci/run) and sets REQUIRE_SERVERS=1, so
 * there a missing binary fails the run instead of skipping.
 */
export interface TestServer {
  url: string;
  /** Client connections the server holds now, as the server counts them. */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

export const serversRequired = process.env.REQUIRE_SERVERS === '1';

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 20 s`);
}

/** Servers run in their own process group, so a wrapper such as runuser cannot keep them alive. */
function stopper(child: ChildProcess, dir: string, signal: NodeJS.Signals) {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, signal);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A Redis server that can also be stopped and started again on the same port, as in an outage. */
export interface RedisServer extends TestServer {
  /** Stops the server (SIGTERM) and keeps its folder; clients see the connection close. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
}

/**
 * `durable` keeps every acknowledged write across `halt()`/`restart()` (an append-only
 * file synced on each write), so that a test can tell whether a write landed.
 */
export async function startRedis(options: { durable?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-redis-'));
  const persistence = options.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const spawnServer = async () => {
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], { stdio: 'ignore', detached: true });
    await waitForPort(port, server, 'redis-server');
    return server;
  };
  let child = await spawnServer();
  const url = `redis://127.0.0.1:${port}`;
  // One probe for the server's life, so that its own connection is always exactly one of the count.
  let probe: ReturnType<typeof createClient> | undefined;
  const closeProbe = async () => {
    probe?.destroy();
    probe = undefined;
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  const exit = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, signal);
    await exited;
  };
  return {
    url,
    async connections() {
      if (!probe) {
        probe = createClient({ url });
        await probe.connect();
      }
      return Number(/connected_clients:(\d+)/.exec(String(await probe.info('clients')))?.[1]) - 1;
    },
    async halt() {
      await closeProbe();
      await exit('SIGTERM');
    },
    async restart() {
      if (running()) throw new Error('redis-server is still running: halt() it first');
      child = await spawnServer();
    },
    async stop() {
      await closeProbe();
      await exit('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user. */
export async function startPostgres(): Promise<TestServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (command: string[]) => (asRoot ? ['runuser', '-u', 'postgres', '--', ...command] : command);
  if (asRoot) {
    const { uid, gid } = { uid: Number(spawnSync('id', ['-u', 'postgres']).stdout), gid: Number(spawnSync('id', ['-g', 'postgres']).stdout) };
    chownSync(dir, uid, gid);
  }
  const [initCommand, ...initArgs] = wrap(['initdb', '-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const init = spawnSync(initCommand!, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const [command, ...args] = wrap(['postgres', '-D', path.join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const child = spawn(command!, args, { stdio: 'ignore', detached: true });
  await waitForPort(port, child, 'postgres');
  await waitUntilAccepting(path.join(dir, 'data'), child);
  // SIGTERM is PostgreSQL's smart shutdown: it lets the last pooled connections close first.
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    connections: async () => postgresClientBackends(path.join(dir, 'data')),
    stop: stopper(child, dir, 'SIGTERM'),
  };
}

/**
 * PostgreSQL listens before it accepts connections ("the database system is starting up", 57P03, for a
 * moment after): the status it writes on the 8th line of postmaster.pid turns `ready` when it accepts them.
 */
async function waitUntilAccepting(dataDir: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
    const status = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim();
    if (status === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('postgres did not accept connections within 20 s');
}

/**
 * PostgreSQL serves each client connection with a child process of the postmaster titled
 * `postgres: user database host(port) state`: counting them is counting pg_stat_activity's
 * client backends, without a client of our own to subtract.
 */
function postgresClientBackends(dataDir: string): number {
  const postmaster = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  let count = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const parent = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (parent === postmaster && /^postgres: .* 127\.0\.0\.1\(\d+\)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) count += 1;
    } catch {
      // The process ended while we looked.
    }
  }
  return count;
}
