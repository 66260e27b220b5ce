import { Events } from 'discord.js';
import { defineEvent } from './types.js';

export default defineEvent({
  name: Events.ShardResume,
  execute(ctx, shardId, replayed) {
    ctx.logger.info({ shardId, replayed }, 'gateway session resumed');
  },
});
