// A Discord-compatible server on 127.0.0.1 for driving the real discord.js client in tests.
export { startLoopback, Loopback, type LoopbackOptions } from './server.js';
export { createDefaultWorld, BOT_PERMISSIONS } from './default-world.js';
export { World } from './world.js';
export { InteractionRun } from './run.js';
export { shardOf } from './snowflake.js';
export { MEMBER_PERMISSIONS } from './permissions.js';
export type { Driver, SlashInput, AutocompleteInput, ComponentInput, ContextMenuInput, ModalInput } from './driver.js';
export type { FaultSpec } from './faults.js';
export type { RequestLog } from './rest.js';
export type { Violation } from './router.js';
export type { MessageRecord, Pings, ChannelRecord, GuildRecord, UserRecord, CommandRecord, InteractionRecord } from './types.js';
