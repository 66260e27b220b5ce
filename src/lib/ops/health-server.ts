import { createServer, type Server } from 'node:http';
import type { Logger } from '../logger.js';

export interface HealthReport {
  ok: boolean;
  /** Why the process is not healthy; empty when it is. */
  reasons: string[];
}

export interface HealthSources {
  health(): Promise<HealthReport>;
  /** The Prometheus text exposition of the metrics. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/**
 * `GET /healthz` (200 or 503 with the reasons, as JSON) and `GET /metrics` on
 * every interface at `port` (a container publishes it); nothing else is served.
 */
export async function startHealthServer(port: number, sources: HealthSources, logger: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async () => {
      if (request.method !== 'GET') return response.writeHead(405, { allow: 'GET' }).end();
      if (path === '/healthz') {
        const report = await sources.health();
        return response.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      }
      if (path === '/metrics') {
        const { contentType, body } = await sources.metrics();
        return response.writeHead(200, { 'content-type': contentType }).end(body);
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Marginalia serves /healthz and /metrics here.\n');
    };
    answer().catch((error: unknown) => {
      logger.error({ err: error, path }, 'health endpoint failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  logger.info({ port }, 'health and metrics served');
  return server;
}

/** Rejects with `label` when `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(label)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
