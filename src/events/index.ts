import channelDelete from './channel-delete.js';
import clientError from './client-error.js';
import clientReady from './client-ready.js';
import guildCreate from './guild-create.js';
import guildDelete from './guild-delete.js';
import interactionCreate from './interaction-create.js';
import roleDelete from './role-delete.js';
import shardResume from './shard-resume.js';
import type { BotEvent } from './types.js';

/** Every gateway event the bot handles. A test checks this list against the files of this folder. */
export const events = [clientReady, interactionCreate, guildCreate, guildDelete, channelDelete, roleDelete, clientError, shardResume] as BotEvent[];
