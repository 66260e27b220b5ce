import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** Removed from a server: its data goes too. An outage (`available: false`) is not a removal. */
export default defineEvent({
  name: Events.GuildDelete,
  async execute(ctx, guild) {
    if (!guild.available) return;
    await Promise.all([ctx.settings.forgetGuild(guild.id), ctx.polls.forgetGuild(guild.id), ctx.daily.forgetGuild(guild.id)]);
    ctx.logger.info({ guildId: guild.id }, 'removed from a server; its data was deleted');
  },
});
