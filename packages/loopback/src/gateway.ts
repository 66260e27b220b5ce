// The gateway: HELLO, IDENTIFY → READY + GUILD_CREATEs, heartbeats, RESUME with replay, sharding.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createDeflate, deflateSync, constants as zlib, type Deflate } from 'node:zlib';
import {
  GatewayCloseCodes as Close,
  GatewayDispatchEvents as Events,
  GatewayIntentBits,
  GatewayOpcodes as Op,
  type GatewayIdentifyData,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
  type GatewaySendPayload,
} from 'discord-api-types/v10';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { renderGuildCreate, renderUser } from './render.js';
import { shardOf, snowflake } from './snowflake.js';
import type { Dispatch, World } from './world.js';

/** Events that need an intent other than Guilds; INTERACTION_CREATE needs none. */
const INTENT_OF: Partial<Record<Events, number>> = {
  [Events.InteractionCreate]: 0,
  [Events.GuildMemberUpdate]: 0, // only ever sent for the bot itself, which Discord always sends
  [Events.MessageCreate]: GatewayIntentBits.GuildMessages,
  [Events.MessageUpdate]: GatewayIntentBits.GuildMessages,
  [Events.MessageDelete]: GatewayIntentBits.GuildMessages,
};
const REPLAY_BUFFER = 1000;
/** What Discord adds to HELLO, READY and RESUMED beyond the documented fields. */
const TRACE = { _trace: ['["loopback",{}]'] };
/** READY's fields for user accounts, which Discord also sends to bots (empty). */
const READY_EXTRAS = {
  session_type: 'normal',
  user_settings: {},
  relationships: [],
  private_channels: [],
  presences: [],
  guild_join_requests: [],
  geo_ordered_rtc_regions: ['loopback'],
  ...TRACE,
};
/** Close codes of a client that ends its session; any other code keeps it resumable. */
const NORMAL_CLOSURE = 1000;
const GOING_AWAY = 1001;

/** What the gateway writes: a dispatch (with `s` and `t`) or a control payload. */
interface Payload {
  op: Op;
  d: unknown;
  s?: number | null;
  t?: Events | null;
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
  /** Close code; default 4000 (UnknownError), which discord.js answers by resuming; after 4007 and 4009 the session is gone. */
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
    if (query.get('encoding') && query.get('encoding') !== 'json') return socket.close(Close.DecodeError, 'loopback speaks encoding=json only');
    if (query.get('v') && query.get('v') !== '10') return socket.close(Close.InvalidAPIVersion, 'Invalid API version');
    if (query.get('compress') === 'zlib-stream') connection.deflate = this.#deflater(socket);
    socket.on('message', (data) => this.#receive(connection, data));
    socket.on('close', (code) => this.#closed(connection, code));
    socket.on('error', () => socket.terminate());
    const hello = () => this.#write(connection, { op: Op.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, ...TRACE } });
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
    let payload: GatewaySendPayload;
    try {
      payload = JSON.parse(data.toString()) as GatewaySendPayload;
    } catch {
      return connection.socket.close(Close.DecodeError, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case Op.Heartbeat:
        return this.#write(connection, { op: Op.HeartbeatAck, d: null });
      case Op.Identify:
        return this.#identify(connection, payload.d);
      case Op.Resume:
        return this.#resume(connection, payload.d);
      case Op.PresenceUpdate:
      case Op.RequestGuildMembers: // the bot has no members intent: nothing to answer
        if (!connection.session) connection.socket.close(Close.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        return connection.socket.close(Close.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #identify(connection: Connection, d: GatewayIdentifyData): void {
    if (connection.session) return connection.socket.close(Close.AlreadyAuthenticated, 'Already authenticated.');
    if (d.token !== this.token) return connection.socket.close(Close.AuthenticationFailed, 'Authentication failed.');
    const shard = d.shard ?? [0, 1];
    if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) return connection.socket.close(Close.InvalidShard, 'Invalid shard.');
    connection.identifyCompress = d.compress === true && !connection.deflate;
    const session: Session = { id: snowflake(), shard, intents: d.intents ?? 0, seq: 0, buffer: [], connection };
    connection.session = session;
    this.sessions.set(session.id, session);
    const guilds = this.world.botGuilds().filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...renderUser(this.world.bot), verified: true, mfa_enabled: false },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.resumeUrl(),
      shard,
      application: { id: this.world.application.id, flags: this.world.application.flags, flags_new: String(this.world.application.flags) },
    };
    this.#send(session, Events.Ready, { ...ready, ...READY_EXTRAS });
    // Sent in the same tick as READY so that no other event can come between them.
    for (const guild of guilds) this.#send(session, Events.GuildCreate, renderGuildCreate(this.world, guild));
    this.emit('session', session);
  }

  #resume(connection: Connection, d: GatewayResumeData): void {
    if (d.token !== this.token) return connection.socket.close(Close.AuthenticationFailed, 'Authentication failed.');
    const session = this.sessions.get(d.session_id);
    const oldest = session?.buffer[0]?.s ?? (session ? session.seq + 1 : 0);
    if (!session || d.seq + 1 < oldest) {
      return this.#write(connection, { op: Op.InvalidSession, d: false });
    }
    if (session.connection && session.connection !== connection) session.connection.socket.close(Close.UnknownError, 'Session resumed elsewhere');
    session.connection = connection;
    connection.session = session;
    const missed = session.buffer.filter((p) => (p.s ?? 0) > d.seq);
    for (const payload of missed) this.#write(connection, payload);
    this.#send(session, Events.Resumed, TRACE);
    this.resumes.push({ sessionId: session.id, shard: session.shard, replayed: missed.length, at: new Date().toISOString() });
    this.emit('session', session);
  }

  #closed(connection: Connection, code: number): void {
    const session = connection.session;
    connection.deflate?.end();
    if (!session || session.connection !== connection) return;
    session.connection = null;
    if (code === NORMAL_CLOSURE || code === GOING_AWAY) this.sessions.delete(session.id);
    this.emit('closed', session);
  }

  /** Sequenced dispatch, kept for replay even while the connection is down. */
  #send(session: Session, event: Events, data: unknown): void {
    session.seq += 1;
    const payload: Payload = { op: Op.Dispatch, s: session.seq, t: event, d: data };
    session.buffer.push(payload);
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.connection) this.#write(session.connection, payload);
  }

  #route({ guildId, event, data }: Dispatch): void {
    const intent = INTENT_OF[event] ?? GatewayIntentBits.Guilds;
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
        this.#write(connection, { op: Op.InvalidSession, d: false });
      } else {
        // Discord ends the session with these codes: a RESUME after them is refused, a new IDENTIFY is needed.
        if (options.code === Close.InvalidSeq || options.code === Close.SessionTimedOut) this.sessions.delete(session.id);
        connection.socket.close(options.code ?? Close.UnknownError, 'loopback: dropped on purpose');
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
