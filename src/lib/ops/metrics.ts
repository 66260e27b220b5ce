import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Shard id → whether its gateway connection is ready, read at each scrape. */
export type ShardStates = () => Iterable<[number, boolean]>;

/**
 * The bot's Prometheus metrics, on a registry of its own (not prom-client's global
 * one), so that every process and test has its own counts.
 */
export function createMetrics(shardStates: ShardStates = () => []) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'marginalia_' });
  const registers = [registry];
  const metrics = {
    registry,
    interactions: new Counter({
      name: 'marginalia_interactions_total',
      help: 'Interactions handled, by command, kind (command, autocomplete, component, menu) and outcome (ok, refused, error, draining).',
      labelNames: ['command', 'kind', 'outcome'] as const,
      registers,
    }),
    firstResponse: new Histogram({
      name: 'marginalia_first_response_seconds',
      help: "From an interaction's arrival to Discord accepting its first response (reply, defer, update or choices).",
      labelNames: ['command'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    }),
    dailyPosts: new Counter({
      name: 'marginalia_daily_posts_total',
      help: 'Daily posts by result: made, skipped (late or paused) or failed.',
      labelNames: ['result'] as const,
      registers,
    }),
    votes: new Counter({ name: 'marginalia_poll_votes_total', help: 'Poll votes recorded.', registers }),
    storeErrors: new Counter({ name: 'marginalia_store_errors_total', help: 'Store calls that failed.', registers }),
    shardUp: new Gauge({
      name: 'marginalia_shard_up',
      help: "1 while the shard's gateway connection is ready, 0 otherwise.",
      labelNames: ['shard'] as const,
      registers,
      collect() {
        for (const [shard, up] of shardStates()) this.set({ shard: String(shard) }, up ? 1 : 0);
      },
    }),
  };
  // Shown as 0 from the start, so a dashboard's rate() has a series before the first post.
  for (const result of ['made', 'skipped', 'failed']) metrics.dailyPosts.inc({ result }, 0);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
