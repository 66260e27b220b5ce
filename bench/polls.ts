// 1,000 members clicking one poll's buttons at once, end to end: the loopback Discord sends each
// click over the gateway to the bot process (built, as `npm start` runs it, on a SQLite store),
// which records the vote and confirms it privately; `/poll close` then gives the count. Beside
// it, in the same run and on a loopback of its own, the bare discord.js bot (bench/bare-bot.ts)
// answers the same `/poll create` and the same 1,000 clicks with a private confirmation and
// nothing stored: the time a click costs in discord.js and the loopback alone.
// Environment: BENCH_VOTES (clicks, default 1,000).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLoopback, walkComponents, type Component, type Loopback, type MessageRecord } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess } from '../tools/bot-process.js';
import { startBareBot } from './bare-bot-process.js';
import type { Row } from './run-one.js';
import { percentile } from './stats.js';

const VOTES = Number(process.env.BENCH_VOTES ?? 1_000);
const REPLY_TIMEOUT_MS = 60_000;

const ms = (value: number) => `${value.toFixed(0)} ms`;

interface Burst {
  /** From the first click sent to the last confirmation received. */
  allConfirmedMs: number;
  /** Each click's time to the bot's first response, of those answered in time. */
  latencies: number[];
  confirmed: number;
  /** Clicks whose answer came after Discord's 3 s and was refused (10062 Unknown interaction). */
  late: number;
  /** The poll message's edits from the first click until it showed every vote, and when that was (our bot only). */
  redraw?: { edits: number; shownMs: number };
  /** What /poll close answered. */
  closeText: string;
  /** The poll message once closed. */
  poll: MessageRecord;
}

const textOf = (message: MessageRecord) =>
  [message.content, ...(message.embeds as Array<{ description?: string; footer?: { text?: string } }>).flatMap((e) => [e.description, e.footer?.text])].join('\n');

/** The poll's count as its message shows it: the footer's "1000 voters · one answer each · …". */
const votersShown = (message: MessageRecord) => Number(/(\d+) voters?/.exec(textOf(message))?.[1] ?? 0);

/** Waits until the poll message shows every vote; false after `withinMs`. */
async function allShown(lb: Loopback, messageId: string, withinMs: number): Promise<boolean> {
  const until = performance.now() + withinMs;
  while (votersShown(lb.world.message(messageId)!) < VOTES) {
    if (performance.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** A loopback with the commands deployed to its server and VOTES members in it, then a bot started on it. */
async function setUp(start: (lb: Loopback) => Promise<BotProcess>): Promise<{ lb: Loopback; bot: BotProcess; voters: string[] }> {
  const lb = await startLoopback({ timeoutMs: REPLY_TIMEOUT_MS });
  const guildId = lb.world.defaultGuild.id;
  await deployToLoopback(lb, { guildId });
  const voters = Array.from({ length: VOTES }, (_, i) => lb.world.addMember(guildId, { name: `reader${i}` }).id);
  try {
    return { lb, bot: await start(lb), voters };
  } catch (error) {
    await lb.close();
    throw error;
  }
}

/**
 * Creates a poll as the admin, has every voter click one of its answers at once, then closes it.
 * With `redraws`, first waits for the message to show every vote: its first edit is sent once the
 * first votes are stored and lands behind the burst's confirmations, often after the last of them.
 */
async function burst(start: (lb: Loopback) => Promise<BotProcess>, redraws: boolean): Promise<Burst> {
  const { lb, bot, voters } = await setUp(start);
  try {
    const create = await lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'create', options: { question: 'Is the claim supported?', options: 'Yes | No | Partly', duration: '1h' } });
    const poll = await create.reply();
    const buttons = [...walkComponents(poll.components as Component[])].flatMap((c) => (c.custom_id ? [c.custom_id] : []));
    const editsBefore = poll.edits;
    const started = performance.now();
    const runs = await Promise.all(voters.map((user, i) => lb.driver.click({ user, message: poll, customId: buttons[i % buttons.length]! })));
    // A late answer is refused by the loopback as by Discord: counted below, not thrown.
    const replies = await Promise.all(runs.map((run) => run.reply().catch(() => undefined)));
    const allConfirmedMs = performance.now() - started;
    const latencies = runs.flatMap((run) => (run.record.callbacks[0] ? [run.record.callbacks[0].at - run.record.createdAt] : []));
    const shown = redraws && (await allShown(lb, poll.id, REPLY_TIMEOUT_MS));
    const redraw = shown ? { edits: lb.world.message(poll.id)!.edits - editsBefore, shownMs: performance.now() - started } : undefined;
    const closed = await (await lb.driver.slash({ user: 'admin', name: 'poll', subcommand: 'close' })).reply();
    return {
      allConfirmedMs,
      latencies: latencies.sort((a, b) => a - b),
      confirmed: replies.filter((reply) => reply?.ephemeral && reply.content.startsWith('Recorded')).length,
      late: runs.filter((run) => run.record.refusals.length > 0).length,
      ...(redraw ? { redraw } : {}),
      closeText: closed.content,
      poll: lb.world.message(poll.id)!,
    };
  } finally {
    await bot.stop();
    await lb.close();
  }
}

export async function benchPolls(): Promise<Row[]> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-polls-'));
  mkdirSync(path.join(dir, 'bot'));
  try {
    const ours = await burst((lb) =>
      startBotProcess(lb, { storeUrl: `sqlite://${path.join(dir, 'polls.sqlite')}`, built: true, cwd: path.join(dir, 'bot'), env: { CORPUS_DIR: path.resolve('corpus') } }),
      true,
    );
    // The bare bot stores nothing, so it never redraws the poll.
    const bare = await burst((lb) => startBareBot(lb), false);
    const counted = votersShown(ours.poll);
    const bareCounted = Number(/Closed: (\d+) votes/.exec(bare.closeText)?.[1] ?? 0);
    const votes = VOTES.toLocaleString('en');
    return [
      {
        figure: `polls: ${votes} clicks at once end to end: counted / confirmed / answered too late`,
        value: `${counted.toLocaleString('en')} / ${ours.confirmed.toLocaleString('en')} / ${ours.late} (bare bot: ${bareCounted.toLocaleString('en')} / ${bare.confirmed.toLocaleString('en')} / ${bare.late})`,
        target: `${votes} / ${votes} / 0`,
      },
      {
        figure: `polls: all ${votes} confirmed (SQLite store)`,
        value: `${ms(ours.allConfirmedMs)} (bare bot: ${ms(bare.allConfirmedMs)}, ${(ours.allConfirmedMs / bare.allConfirmedMs).toFixed(2)}x)`,
        target: '< 3,000 ms, near the bare bot',
      },
      {
        figure: 'polls: first response median / p99 (of the clicks answered in time)',
        value: `${ms(percentile(ours.latencies, 0.5))} / ${ms(percentile(ours.latencies, 0.99))} (bare bot: ${ms(percentile(bare.latencies, 0.5))} / ${ms(percentile(bare.latencies, 0.99))})`,
        target: '< 3,000 ms',
      },
      {
        figure: `polls: poll message edits from the first click until it showed all ${votes} votes`,
        value: ours.redraw ? `${ours.redraw.edits} in ${ms(ours.redraw.shownMs)} (one edit per click: ${votes})` : `never showed all ${votes}`,
        target: `≈ 1 per second (≤ ${ours.redraw ? Math.ceil(ours.redraw.shownMs / 1000) + 1 : '–'})`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchPolls());
}
