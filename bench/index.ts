import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHES, type Row } from './run-one.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs one benchmark in a fresh process (with --expose-gc for honest heap figures) and reads its rows. */
async function run(name: string): Promise<Row[]> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, 'run-one.ts'), name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) return [{ figure: `${name}: failed`, value: `exit ${code}`, target: '' }];
  return JSON.parse(output.trim().split('\n').at(-1)!) as Row[];
}

// `npm run bench -- search polls` runs only those.
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BENCHES);
const rows: Row[] = [];
for (const name of names) {
  process.stderr.write(`running ${name}…\n`);
  rows.push(...(await run(name)));
}
console.table(rows);
