import { connect, createServer, type Server, type Socket } from 'node:net';
import { startRedis } from './servers.js';

export interface SlowProxy {
  /** The proxy's port on 127.0.0.1: point a client here instead of at the server. */
  port: number;
  /** Bytes sent from server to client so far, each delivered `delayMs` late. */
  delayedChunks(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, holding every chunk from the server to
 * the client for `delayMs`: each request-response round trip takes that much longer, as
 * with a store far away or under load. Chunks keep their order (one fixed delay each), so
 * pipelined replies stay intact; what the client sends goes through at once.
 */
export async function startSlowProxy(target: { host?: string; port: number }, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let chunks = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      chunks += 1;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!client.destroyed) client.write(chunk);
      }, delayMs);
      timers.add(timer);
    });
    // Either side closing closes the other, after the delayed chunks have gone out.
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
    client.on('close', () => upstream.destroy());
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    delayedChunks: () => chunks,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface SlowRedis {
  /** `redis://` on the proxy. */
  url: string;
  stop(): Promise<void>;
}

/** A real Redis server behind a slow proxy: a store whose every call takes `delayMs` longer. */
export async function startSlowRedis(delayMs: number): Promise<SlowRedis> {
  const redis = await startRedis();
  const proxy = await startSlowProxy({ port: Number(new URL(redis.url).port) }, delayMs);
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
    async stop() {
      await proxy.close();
      await redis.stop();
    },
  };
}
