import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLoopback } from '@marginalia/loopback';
import { startBotProcess } from '../tools/bot-process.js';

const GUILDS = Number(process.env.BENCH_GUILDS ?? 1_000);
const SETTLE_MS = 5_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The bot process, built as `npm start` runs it, logged into the loopback Discord with 1,000 servers, left idle. */
export async function benchMemory(): Promise<Array<{ figure: string; value: string; target: string }>> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const lb = await startLoopback();
  for (let index = 1; index < GUILDS; index += 1) lb.world.addGuild(`Reading group ${index}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-memory-'));
  const started = performance.now();
  const bot = await startBotProcess(lb, { storeUrl: `sqlite://${path.join(dir, 'store.sqlite')}`, built: true }).catch(async (error: unknown) => {
    await lb.close();
    throw error;
  });
  const readyMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const rss = rssMb(bot.child.pid!);
  await bot.stop();
  await lb.close();
  rmSync(dir, { recursive: true, force: true });
  return [
    { figure: `bot: start to ready with ${GUILDS.toLocaleString('en')} servers`, value: `${(readyMs / 1000).toFixed(1)} s`, target: '' },
    { figure: `bot: idle RSS with ${GUILDS.toLocaleString('en')} servers cached`, value: `${rss.toFixed(0)} MB`, target: '< 150 MB' },
  ];
}
