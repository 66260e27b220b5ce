import { Events } from 'discord.js';
import { defineEvent } from './types.js';

export default defineEvent({
  name: Events.ClientReady,
  once: true,
  execute(ctx, client) {
    ctx.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size, shards: client.shard?.ids ?? [0] }, 'ready');
  },
});
