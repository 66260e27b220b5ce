import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** A server that joins (or comes back) after start-up gets its polls watched and its daily post scheduled. */
export default defineEvent({
  name: Events.GuildCreate,
  async execute(ctx, guild) {
    await Promise.all([ctx.polls.loadGuild(guild.id), ctx.daily.loadGuild(guild.id), ctx.recap.loadGuild(guild.id)]);
  },
});
