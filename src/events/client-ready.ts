import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** Logged in and every guild of this shard is known: start what runs on its own. */
export default defineEvent({
  name: Events.ClientReady,
  once: true,
  async execute(ctx, client) {
    await Promise.all([ctx.polls.start(), ctx.daily.start(), ctx.recap.start()]);
    ctx.history.start(() => client.guilds.cache.keys());
    ctx.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size, shards: client.shard?.ids ?? [0] }, 'ready');
  },
});
