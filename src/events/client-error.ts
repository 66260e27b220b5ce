import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** Errors the client reports outside any interaction are logged, never fatal. */
export default defineEvent({
  name: Events.Error,
  execute(ctx, error) {
    ctx.logger.error({ err: error }, 'client error');
  },
});
