import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** A deleted role stops being pinged by the daily post, which goes on without a ping; /daily status says why. */
export default defineEvent({
  name: Events.GuildRoleDelete,
  async execute(ctx, role) {
    await ctx.daily.roleDeleted(role.guild.id, role.id);
  },
});
