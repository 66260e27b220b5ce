// The gateway: HELLO, IDENTIFY → READY + GUILD_CREATEs, heartbeats, RESUME with replay, sharding.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createDeflate, deflateSync, constants as zlib, type Deflate } from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { renderGuildCreate, renderUser } from './render.js';
import { shardOf, snowflake } from './snowflake.js';
import type { Dispatch, World } from './world.js';

const GUILDS_INTENT = 1 << 0;
const GUILD_MESSAGES_INTENT = 1 << 9;
/** Events that need an intent other than Guilds; INTERACTION_CREATE needs none. */
const INTENT_OF: Record<string, number> = {
  INTERACTION_CREATE: 0,
  GUILD_MEMBER_UPDATE: 0, // only ever sent for the bot itself, which Discord always sends
  MESSAGE_CREATE: GUILD_MESSAGES_INTENT,
  MESSAGE_UPDATE: GUILD_MESSAGES_INTENT,
  MESSAGE_DELETE: GUILD_MESSAGES_INTENT,
};
const REPLAY_BUFFER = 1000;

interface Payload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

export interface Session {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  buffer: Payload[];
  connection: Connection | null;
}

interface Connection {
  socket: WebSocket;
  session: Session | null;
  /** zlib-stream transport compression: one deflate context for the whole connection. */
  deflate: Deflate | null;
  identifyCompress: boolean;
}

export interface ResumeRecord {
  sessionId: string;
  shard: [number, number];
  replayed: number;
  at: string;
}

export interface DropOptions {
  /** Only this shard id. */
  shard?: number;
  /** Close code; default 4000, which discord.js answers by resuming. */
  code?: number;
  /** Send INVALID_SESSION (not resumable) instead of closing, so the bot identifies again. */
  invalidate?: boolean;
  /** Keep the gateway silent this long after the drop: new connections get HELLO only then (an outage). */
  holdMs?: number;
}

export class Gateway extends EventEmitter {
  readonly sessions = new Map<string, Session>();
  readonly resumes: ResumeRecord[] = [];
  readonly #server = new WebSocketServer({ noServer: true });
  /** Until then (ms since the epoch), new connections wait for their HELLO. */
  #heldUntil = 0;

  constructor(
    private readonly world: World,
    private readonly token: string,
    private readonly heartbeatIntervalMs: number,
    private readonly resumeUrl: () => string,
  ) {
    super();
    this.setMaxListeners(0);
    world.on('dispatch', (event: Dispatch) => this.#route(event));
  }

  /** Sessions with an open connection that have identified or resumed. */
  liveSessions(): Session[] {
    return [...this.sessions.values()].filter((s) => s.connection);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(req.url ?? '/', 'http://loopback').searchParams;
    this.#server.handleUpgrade(req, socket, head, (ws) => this.#open(ws, query));
  }

  #open(socket: WebSocket, query: URLSearchParams): void {
    const connection: Connection = { socket, session: null, deflate: null, identifyCompress: false };
    if (query.get('encoding') && query.get('encoding') !== 'json') return socket.close(4002, 'loopback speaks encoding=json only');
    if (query.get('v') && query.get('v') !== '10') return socket.close(4012, 'Invalid API version');
    if (query.get('compress') === 'zlib-stream') connection.deflate = this.#deflater(socket);
    socket.on('message', (data) => this.#receive(connection, data));
    socket.on('close', (code) => this.#closed(connection, code));
    socket.on('error', () => socket.terminate());
    const hello = () => this.#write(connection, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["loopback",{}]'] } });
    const wait = this.#heldUntil - Date.now();
    if (wait > 0) setTimeout(hello, wait);
    else hello();
  }

  /** Each payload is deflated into the connection's one stream and flushed with Z_SYNC_FLUSH, as Discord does. */
  #deflater(socket: WebSocket): Deflate {
    const deflate = createDeflate({ chunkSize: 65535 });
    let chunks: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
    deflate.on('flush-done', () => {
      const frame = Buffer.concat(chunks);
      chunks = [];
      if (frame.length && socket.readyState === socket.OPEN) socket.send(frame);
    });
    return deflate;
  }

  #write(connection: Connection, payload: Payload): void {
    const { socket, deflate } = connection;
    if (socket.readyState !== socket.OPEN) return;
    const json = JSON.stringify(payload);
    if (deflate) {
      deflate.write(json);
      deflate.flush(zlib.Z_SYNC_FLUSH, () => deflate.emit('flush-done'));
    } else if (connection.identifyCompress) {
      socket.send(deflateSync(json));
    } else {
      socket.send(json);
    }
  }

  #receive(connection: Connection, data: RawData): void {
    let payload: Payload;
    try {
      payload = JSON.parse(data.toString()) as Payload;
    } catch {
      return connection.socket.close(4002, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case 1:
        return this.#write(connection, { op: 11, d: null });
      case 2:
        return this.#identify(connection, payload.d as Identify);
      case 6:
        return this.#resume(connection, payload.d as Resume);
      case 3: // presence update
      case 8: // request guild members: the bot has no members intent
        if (!connection.session) connection.socket.close(4003, 'Not authenticated.');
        return;
      default:
        return connection.socket.close(4001, 'Unknown opcode.');
    }
  }

  #identify(connection: Connection, d: Identify): void {
    if (connection.session) return connection.socket.close(4005, 'Already authenticated.');
    if (d.token !== this.token) return connection.socket.close(4004, 'Authentication failed.');
    const shard = d.shard ?? [0, 1];
    if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) return connection.socket.close(4010, 'Invalid shard.');
    connection.identifyCompress = d.compress === true && !connection.deflate;
    const session: Session = { id: snowflake(), shard, intents: d.intents ?? 0, seq: 0, buffer: [], connection };
    connection.session = session;
    this.sessions.set(session.id, session);
    const guilds = this.world.botGuilds().filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    this.#send(session, 'READY', {
      v: 10,
      user: { ...renderUser(this.world.bot), verified: true, mfa_enabled: false },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeUrl(),
      shard,
      application: { id: this.world.application.id, flags: this.world.application.flags },
      user_settings: {},
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['loopback'],
      _trace: ['["loopback",{}]'],
    });
    // Sent in the same tick as READY so that no other event can come between them.
    for (const guild of guilds) this.#send(session, 'GUILD_CREATE', renderGuildCreate(this.world, guild));
    this.emit('session', session);
  }

  #resume(connection: Connection, d: Resume): void {
    if (d.token !== this.token) return connection.socket.close(4004, 'Authentication failed.');
    const session = this.sessions.get(d.session_id);
    const oldest = session?.buffer[0]?.s ?? (session ? session.seq + 1 : 0);
    if (!session || d.seq + 1 < oldest) {
      return this.#write(connection, { op: 9, d: false });
    }
    if (session.connection && session.connection !== connection) session.connection.socket.close(4000, 'Session resumed elsewhere');
    session.connection = connection;
    connection.session = session;
    const missed = session.buffer.filter((p) => (p.s ?? 0) > d.seq);
    for (const payload of missed) this.#write(connection, payload);
    this.#send(session, 'RESUMED', { _trace: ['["loopback",{}]'] });
    this.resumes.push({ sessionId: session.id, shard: session.shard, replayed: missed.length, at: new Date().toISOString() });
    this.emit('session', session);
  }

  #closed(connection: Connection, code: number): void {
    const session = connection.session;
    connection.deflate?.end();
    if (!session || session.connection !== connection) return;
    session.connection = null;
    // A client that closes with 1000/1001 ends its session; any other code keeps it resumable.
    if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    this.emit('closed', session);
  }

  /** Sequenced dispatch, kept for replay even while the connection is down. */
  #send(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const payload: Payload = { op: 0, s: session.seq, t: event, d: data };
    session.buffer.push(payload);
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.connection) this.#write(session.connection, payload);
  }

  #route({ guildId, event, data }: Dispatch): void {
    const intent = INTENT_OF[event] ?? GUILDS_INTENT;
    for (const session of this.sessions.values()) {
      if (guildId && shardOf(guildId, session.shard[1]) !== session.shard[0]) continue;
      if (intent && !(session.intents & intent)) continue;
      this.#send(session, event, data);
    }
  }

  drop(options: DropOptions = {}): number {
    const targets = this.liveSessions().filter((s) => options.shard === undefined || s.shard[0] === options.shard);
    if (options.holdMs) this.#heldUntil = Date.now() + options.holdMs;
    for (const session of targets) {
      const connection = session.connection;
      if (!connection) continue;
      if (options.invalidate) {
        this.sessions.delete(session.id);
        this.#write(connection, { op: 9, d: false });
      } else {
        connection.socket.close(options.code ?? 4000, 'loopback: dropped on purpose');
      }
    }
    return targets.length;
  }

  close(): void {
    for (const client of this.#server.clients) client.terminate();
    this.#server.close();
    this.sessions.clear();
  }
}

interface Identify {
  token: string;
  intents?: number;
  shard?: [number, number];
  compress?: boolean;
}

interface Resume {
  token: string;
  session_id: string;
  seq: number;
}
