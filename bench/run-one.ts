import { pathToFileURL } from 'node:url';
import { benchFirstResponse } from './first-response.js';
import { benchHistory } from './history.js';
import { benchLibraries } from './libraries.js';
import { benchMemory } from './memory.js';
import { benchPolls } from './polls.js';
import { benchRestart } from './restart.js';
import { benchScheduler, schedulerRows } from './scheduler.js';
import { benchSearch } from './search.js';
import { benchStartup } from './startup.js';

export type Row = { figure: string; value: string; target: string };

/** Each benchmark, by name; bench/index.ts runs each in a process of its own so heaps do not mix. */
export const BENCHES: Record<string, () => Promise<Row[]>> = {
  search: benchSearch,
  scheduler: async () => schedulerRows(await benchScheduler()),
  polls: benchPolls,
  memory: benchMemory,
  restart: benchRestart,
  'first-response': benchFirstResponse,
  startup: benchStartup,
  libraries: benchLibraries,
  history: benchHistory,
};

const name = process.argv[2];
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && name) {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`no benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  process.stdout.write(`\n${JSON.stringify(await bench())}\n`);
  process.exit(0);
}
