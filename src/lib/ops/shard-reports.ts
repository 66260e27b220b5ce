import { randomUUID } from 'node:crypto';
import type { Shard, ShardingManager } from 'discord.js';
import { AggregatorRegistry } from 'prom-client';
import type { HealthReport, HealthSources } from './health-server.js';
import type { ProcessReport } from './process-health.js';

// Messages between the ShardingManager and its shard processes, over discord.js's IPC.
const ASK = 'marginalia:report?';
const ANSWER = 'marginalia:report';
const REPORT_TIMEOUT_MS = 2_000;

interface Ask {
  type: typeof ASK;
  nonce: string;
}
interface Answer {
  type: typeof ANSWER;
  nonce: string;
  report: ProcessReport;
}

/** In a shard process: answers the manager's requests for this process's health and metrics. */
export function answerReports(report: () => Promise<ProcessReport>): void {
  process.on('message', (message: Partial<Ask> | null) => {
    const nonce = message?.type === ASK ? message.nonce : undefined;
    if (!nonce) return;
    void report().then((value) => process.send?.({ type: ANSWER, nonce, report: value } satisfies Answer));
  });
}

function ask(shard: Shard): Promise<ProcessReport> {
  return new Promise((resolve, reject) => {
    const nonce = randomUUID();
    const timer = setTimeout(() => {
      shard.off('message', listen);
      reject(new Error(`shard ${shard.id} did not answer within ${REPORT_TIMEOUT_MS} ms`));
    }, REPORT_TIMEOUT_MS);
    const listen = (message: Partial<Answer> | null) => {
      if (message?.type !== ANSWER || message.nonce !== nonce || !message.report) return;
      clearTimeout(timer);
      shard.off('message', listen);
      resolve(message.report);
    };
    shard.on('message', listen);
    shard.send({ type: ASK, nonce } satisfies Ask).catch((error: unknown) => {
      clearTimeout(timer);
      shard.off('message', listen);
      reject(error as Error);
    });
  });
}

/** In the manager: health and metrics of every shard process, served from one port. */
export function managerSources(manager: ShardingManager, expectedShards: number[]): HealthSources {
  const gather = () => Promise.allSettled([...manager.shards.values()].map((shard) => ask(shard)));
  return {
    async health(): Promise<HealthReport> {
      const reasons: string[] = [];
      const missing = expectedShards.filter((id) => !manager.shards.has(id));
      if (missing.length > 0) reasons.push(`shards ${missing.join(', ')} not started`);
      for (const result of await gather()) {
        if (result.status === 'rejected') reasons.push((result.reason as Error).message);
        else reasons.push(...result.value.health.reasons);
      }
      return { ok: reasons.length === 0, reasons: [...new Set(reasons)] };
    },
    async metrics() {
      const reports = (await gather()).flatMap((result) => (result.status === 'fulfilled' ? [result.value.metrics] : []));
      const registry = AggregatorRegistry.aggregate(reports);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
