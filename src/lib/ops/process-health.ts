import { Status, type Client } from 'discord.js';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { StoreUnavailable, type Store } from '../store.js';
import type { Drain } from './drain.js';
import { within, type HealthReport, type HealthSources } from './health-server.js';
import type { Metrics } from './metrics.js';

const STORE_PING_MS = 1_000;

/** Each of this process's shards and whether its gateway connection is ready. */
export function shardStates(client: Client): Array<[number, boolean]> {
  return [...client.ws.shards.values()].map((shard) => [shard.id, shard.status === Status.Ready]);
}

/** Healthy while every shard of this process is connected, the store answers, and it is not shutting down. */
async function processHealth(client: Client, store: Store, drain: Drain): Promise<HealthReport> {
  const reasons: string[] = [];
  if (drain.draining) reasons.push('shutting down');
  const shards = shardStates(client);
  if (shards.length === 0) reasons.push('gateway not connected yet');
  for (const [id, up] of shards) if (!up) reasons.push(`shard ${id}: gateway ${Status[client.ws.shards.get(id)!.status]?.toLowerCase() ?? 'down'}`);
  try {
    await within(store.ping(), STORE_PING_MS, `no answer within ${STORE_PING_MS} ms`);
  } catch (error) {
    reasons.push(error instanceof StoreUnavailable ? 'store: unavailable' : `store: ${(error as Error).message}`);
  }
  return { ok: reasons.length === 0, reasons };
}

/** What one process reports: to its own health server, or to the ShardingManager's. */
export interface ProcessReport {
  health: HealthReport;
  metrics: Array<MetricObjectWithValues<MetricValue<string>>>;
}

export function processSources(client: Client, store: Store, drain: Drain, metrics: Metrics): HealthSources & { report(): Promise<ProcessReport> } {
  return {
    health: () => processHealth(client, store, drain),
    async metrics() {
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
    async report() {
      const [health, values] = await Promise.all([processHealth(client, store, drain), metrics.registry.getMetricsAsJSON()]);
      return { health, metrics: values };
    },
  };
}
