// One Discord on loopback: the HTTP server for REST and the gateway's websocket upgrade, and the test-facing handle.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDefaultWorld } from './default-world.js';
import { Driver } from './driver.js';
import { Faults } from './faults.js';
import { fileHandler } from './files.js';
import { Gateway } from './gateway.js';
import { restHandler, type RequestLog } from './rest.js';
import type { ServerState, Violation } from './router.js';
import type { CommandRecord, MessageRecord } from './types.js';
import { DEFAULT_TIMEOUT_MS, waitUntil } from './wait.js';
import type { World } from './world.js';

export interface LoopbackOptions {
  /** Default 0: a free port. The server only ever listens on 127.0.0.1. */
  port?: number;
  /** Default: the "Study Group" world. */
  world?: World;
  /** Default 41250 ms, as Discord. */
  heartbeatIntervalMs?: number;
  /** How long the bot has for its first interaction callback; default 3000 ms, as Discord. */
  interactionTimeoutMs?: number;
  /** Default timeout of the driver's waits; default 5000 ms. */
  timeoutMs?: number;
}

export class Loopback extends EventEmitter {
  readonly token: string;
  readonly applicationId: string;
  readonly requests: RequestLog[] = [];
  readonly violations: Violation[] = [];
  readonly faults: Faults;
  readonly driver: Driver;
  readonly gateway: Gateway;
  readonly #server: Server;
  readonly #timeoutMs: number;
  #port = 0;

  constructor(
    readonly world: World,
    options: LoopbackOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.applicationId = world.application.id;
    // Shaped like a real token: base64 of the bot's id, then two random parts.
    this.token = `${Buffer.from(world.bot.id).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.gateway = new Gateway(world, this.token, options.heartbeatIntervalMs ?? 41_250, () => `${this.gatewayUrl}/resume`);
    this.faults = new Faults(this.gateway);
    this.driver = new Driver(world, this.gateway, () => this.filesUrl, this.#timeoutMs);
    const state: ServerState = {
      world,
      token: this.token,
      violations: this.violations,
      interactionTimeoutMs: options.interactionTimeoutMs ?? 3000,
      gatewayUrl: () => this.gatewayUrl,
    };
    const handle = restHandler(state, this.faults, this.requests);
    const serveFile = fileHandler(world);
    this.#server = createServer((req, res) => {
      if (!serveFile(req, res)) void handle(req, res);
    });
    this.#server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
    world.on('message', (message: MessageRecord) => this.emit('message', message));
  }

  get port(): number {
    return this.#port;
  }
  /** For the bot's DISCORD_API_URL / @discordjs/rest `api` option. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }
  /** Where files attached to commands are served, as Discord's CDN serves them. */
  get filesUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** What the bot registered: a guild's commands, or the global ones. */
  commands(guildId?: string): CommandRecord[] {
    return this.world.commands(guildId);
  }

  /** Resolves once `shards` bot sessions (default 1) have identified (or resumed) and got their GUILD_CREATEs. */
  async waitForBot(options: { shards?: number; timeoutMs?: number } = {}): Promise<void> {
    const shards = options.shards ?? 1;
    await waitUntil(
      this.gateway,
      'session',
      () => (this.gateway.liveSessions().length >= shards ? true : undefined),
      `${shards} bot gateway session(s) to identify`,
      options.timeoutMs ?? this.#timeoutMs,
    );
  }

  async close(): Promise<void> {
    this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export async function startLoopback(options: LoopbackOptions = {}): Promise<Loopback> {
  const loopback = new Loopback(options.world ?? createDefaultWorld(), options);
  await loopback.listen(options.port ?? 0);
  return loopback;
}
