import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadShippedLibrary, shippedLibrary } from '../src/library/library.js';
import { createLogger } from '../src/lib/logger.js';
import { createPollService, type CountedVote, type PollHost } from '../src/features/polls/service.js';
import { openStore } from '../src/lib/store.js';

const GUILD = '100000000000000001';
const CLICKS = 1_000;
// A Discord message edit takes tens of milliseconds; the fake one waits as long.
const EDIT_LATENCY_MS = 50;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** 1,000 members clicking one poll's buttons at once, on a real SQLite store. */
export async function benchPolls(): Promise<Array<{ figure: string; value: string; target: string }>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-polls-'));
  const store = openStore(`sqlite://${path.join(dir, 'polls.sqlite')}`);
  let edits = 0;
  const host: PollHost = {
    holds: () => true,
    show: async () => {
      edits += 1;
      await new Promise((resolve) => setTimeout(resolve, EDIT_LATENCY_MS));
    },
    announce: async () => undefined,
  };
  const logger = createLogger('silent');
  const library = shippedLibrary(await loadShippedLibrary('corpus', dir, logger));
  const polls = createPollService({ store, logger, library, host, voterSecret: 'bench secret' });
  try {
    await polls.start();
    const place = { guildId: GUILD, channelId: '100000000000000002', creatorId: '100000000000000003' };
    const posted = (id: string) => async () => ({ id, retract: async () => undefined });
    const poll = await polls.create(place, { question: 'Is the claim supported?', options: 'Yes | No | Partly', duration: '1h' }, posted('100000000000000004'));
    const click = (pollId: string, messageId: string, option: number, userId: string) => ({ pollId, option, userId, guildId: GUILD, messageId });

    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLICKS }, async (_, i) => {
        const clicked = performance.now();
        await polls.vote(click(poll.id, poll.messageId!, i % 3, `2000000000${String(i).padStart(8, '0')}`));
        latencies.push(performance.now() - clicked);
      }),
    );
    const allConfirmedMs = performance.now() - started;
    // Let the coalesced edits catch up, as they would on a live poll.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const editsDuringBurst = edits;
    const closed = await polls.close({ ...place, userId: place.creatorId, canManageMessages: false });
    const counted = closed.result?.voters ?? 0;
    latencies.sort((a, b) => a - b);

    // The same number of clicks arriving over about 3 seconds: edits stay near one per second.
    const steady = await polls.create(place, { question: 'And now?', options: 'Yes | No', duration: '1h' }, posted('100000000000000005'));
    const editsBefore = edits;
    const steadyStart = performance.now();
    const pending: Array<Promise<CountedVote>> = [];
    for (let i = 0; i < CLICKS; i += 1) {
      pending.push(polls.vote(click(steady.id, steady.messageId!, i % 2, `2100000000${String(i).padStart(8, '0')}`)));
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await Promise.all(pending);
    const steadySeconds = (performance.now() - steadyStart) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const steadyEdits = edits - editsBefore;
    const steadyCounted = (await polls.close({ ...place, userId: place.creatorId, canManageMessages: false })).result?.voters ?? 0;
    return [
      { figure: 'polls: votes counted of 1,000 clicks at once', value: counted.toLocaleString('en'), target: '1,000' },
      { figure: 'polls: all 1,000 confirmed (SQLite)', value: `${allConfirmedMs.toFixed(0)} ms`, target: '< 3,000 ms (interaction deadline)' },
      {
        figure: 'polls: confirmation median / p99',
        value: `${percentile(latencies, 0.5).toFixed(0)} / ${percentile(latencies, 0.99).toFixed(0)} ms`,
        target: '< 3,000 ms',
      },
      { figure: 'polls: message edits for the burst', value: String(editsDuringBurst), target: '≈ 1 per second' },
      {
        figure: 'polls: 1,000 clicks spread out: counted, edits',
        value: `${steadyCounted.toLocaleString('en')} in ${steadySeconds.toFixed(1)} s, ${steadyEdits} edits`,
        target: `1,000, ≤ ${Math.ceil(steadySeconds) + 2} edits`,
      },
    ];
  } finally {
    await polls.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchPolls());
}
