import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** A deleted study channel pauses the daily post there at once, with the reason for /daily status. */
export default defineEvent({
  name: Events.ChannelDelete,
  async execute(ctx, channel) {
    if (channel.isDMBased()) return;
    await ctx.daily.channelDeleted(channel.guildId, channel.id);
  },
});
