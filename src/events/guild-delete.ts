import { Events } from 'discord.js';
import { defineEvent } from './types.js';

/** Removed from a server (discord.js reports outages as guildUnavailable instead): its data goes too. */
export default defineEvent({
  name: Events.GuildDelete,
  async execute(ctx, guild) {
    await Promise.all([ctx.settings.forgetGuild(guild.id), ctx.polls.forgetGuild(guild.id), ctx.daily.forgetGuild(guild.id), ctx.plans.forgetGuild(guild.id), ctx.passage.forgetGuild(guild.id), ctx.spellings.forgetGuild(guild.id), ctx.prompts.forgetGuild(guild.id), ctx.addedArticles.forgetGuild(guild.id), ctx.history.forgetGuild(guild.id), ctx.recap.forgetGuild(guild.id)]);
    ctx.library.invalidate(guild.id);
    ctx.logger.info({ guildId: guild.id }, 'removed from a server; its data was deleted');
  },
});
