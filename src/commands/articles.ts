import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { articlesView } from '../features/passage/views.js';
import { lookupFlags } from '../features/settings/views.js';
import { DEFAULT_SETTINGS } from '../features/settings/service.js';
import { StoreUnavailable } from '../lib/store.js';
import type { SlashCommand } from './types.js';

export default {
  data: new SlashCommandBuilder()
    .setName('articles')
    .setDescription('The articles the group studies, with length and reading time')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    // From memory but for a server's first lookup: whether the reply is private decides its first response.
    // The articles need nothing from the store: with it down, the reply is private, as by default.
    const settings = await ctx.settings.get(guildId).catch((error: unknown) => (error instanceof StoreUnavailable ? DEFAULT_SETTINGS : Promise.reject(error)));
    const flags = lookupFlags(settings, null);
    const post = async () => interaction.reply({ ...articlesView(await ctx.passage.articles(guildId)), flags });
    // A public reply posts to the channel, so it waits out the member's cooldown.
    await (flags ? post() : ctx.cooldowns.posting(guildId, interaction.user.id, post));
  },
} satisfies SlashCommand;
