import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { manageServerSpellingRefusal, spellingAddedText, spellingRemovedText, spellingsView } from '../features/spellings/views.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// `/spelling list` is for everyone, `add` and `remove` for Manage Server: Discord sets default
// permissions per top-level command only, so the bot refuses these two itself (as /settings does).
const ADMIN_SUBCOMMANDS = new Set(['add', 'remove']);

export default {
  data: new SlashCommandBuilder()
    .setName('spelling')
    .setDescription('Other spellings that search on this server treats as one')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) => sub.setName('list').setDescription("This server's spellings and the ones that come with the articles"))
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription('Make search find one form from the other (Manage Server)')
        .addStringOption((o) => o.setName('form').setDescription('A name or word as readers type it, e.g. Almaty').setRequired(true).setMaxLength(60))
        .addStringOption((o) => o.setName('other').setDescription('Another spelling of it, e.g. Alma-Ata').setRequired(true).setMaxLength(60)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('remove')
        .setDescription("Take a form out of this server's spellings (Manage Server)")
        .addStringOption((o) => o.setName('form').setDescription('The form to take out').setRequired(true).setMaxLength(60)),
    ),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => manageServerSpellingRefusal(subcommand));
    // Every answer needs the store (a server's first read, or a write): acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (subcommand === 'list') {
      await interaction.editReply(spellingsView(await ctx.spellings.list(guildId)));
      return;
    }
    const form = interaction.options.getString('form', true);
    if (subcommand === 'add') {
      const group = await ctx.spellings.add(guildId, { form, other: interaction.options.getString('other', true) });
      await interaction.editReply(spellingAddedText(group));
      return;
    }
    await interaction.editReply(spellingRemovedText(form, await ctx.spellings.remove(guildId, form)));
  },
} satisfies SlashCommand;
