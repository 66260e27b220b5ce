// A Discord-compatible server on 127.0.0.1 for driving the real discord.js client in tests.
export { startLoopback, Loopback, type LoopbackOptions } from './server.js';
export { createDefaultWorld, BOT_PERMISSIONS } from './default-world.js';
export { World, type Dispatch } from './world.js';
export { InteractionRun } from './run.js';
export { shardOf } from './snowflake.js';
export { MEMBER_PERMISSIONS } from './permissions.js';
// The limits the server enforces, for checking a payload without sending it.
export { checkAutocomplete, checkMessage, checkModal, checkThread } from './limits.js';
export { checkCommand, checkCommandList } from './command-limits.js';
export type { FormIssue } from './form-errors.js';
export type { Driver, SlashInput, AutocompleteInput, ComponentInput, ContextMenuInput, ModalInput } from './driver.js';
export type { CommandInput, FileInput, OptionValue } from './driver-options.js';
export { walkComponents, type Component } from './driver-components.js';
export type { DropOptions, ResumeRecord } from './gateway.js';
export type { FaultSpec } from './faults.js';
export type { RequestLog } from './rest.js';
export type { Violation } from './router.js';
export type {
  MessageRecord,
  Pings,
  ChannelRecord,
  GuildRecord,
  UserRecord,
  RoleRecord,
  CommandRecord,
  CommandOption,
  InteractionRecord,
  InteractionCallback,
  Attachment,
  UploadRecord,
} from './types.js';
