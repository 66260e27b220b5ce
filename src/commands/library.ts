import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { removeId } from '../features/library/ids.js';
import { addedView, confirmRemovalView, exportView, manageServerRefusal, NOT_YOURS, removedView } from '../features/library/views.js';
import { articleChoices } from '../features/passage/views.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// `/library export` is for everyone, `add` and `remove` for Manage Server: Discord sets default
// permissions per top-level command only, so the bot refuses these two itself (as /settings does).
const ADMIN_SUBCOMMANDS = new Set(['add', 'remove']);

export default {
  data: new SlashCommandBuilder()
    .setName('library')
    .setDescription("This server's own articles, added from files")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription('Add an article from a .md or .txt file, at most 1 MB (Manage Server)')
        .addAttachmentOption((o) => o.setName('file').setDescription('A .txt (first line the title) or a .md in the corpus format').setRequired(true))
        .addStringOption((o) => o.setName('id').setDescription('Its id in references, a lowercase slug like my-article (default: from the file)').setMaxLength(60))
        .addStringOption((o) => o.setName('title').setDescription("Its title (default: the .txt's first line, or the .md's front matter)").setMaxLength(200))
        .addStringOption((o) => o.setName('kind').setDescription('What it is: interview, column, essay… (default: text)').setMaxLength(40))
        .addStringOption((o) => o.setName('source').setDescription('Where it was published').setMaxLength(200)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('remove')
        .setDescription('Remove an added article, after a confirmation (Manage Server)')
        .addStringOption((o) => o.setName('article').setDescription('The added article').setRequired(true).setAutocomplete(true).setMaxLength(60)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('export')
        .setDescription('Get an added article back as the file it was added from')
        .addStringOption((o) => o.setName('article').setDescription('The added article').setRequired(true).setAutocomplete(true).setMaxLength(60)),
    ),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => manageServerRefusal(subcommand));
    // Every answer needs the store, and `add` a download: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (subcommand === 'add') {
      const file = interaction.options.getAttachment('file', true);
      const article = await ctx.libraryArticles.add(guildId, interaction.user.id, file, {
        id: interaction.options.getString('id'),
        title: interaction.options.getString('title'),
        kind: interaction.options.getString('kind'),
        source: interaction.options.getString('source'),
      });
      await interaction.editReply(addedView(article));
      return;
    }
    const articleId = interaction.options.getString('article', true).trim();
    if (subcommand === 'remove') {
      const title = await ctx.libraryArticles.title(guildId, articleId);
      await interaction.editReply(confirmRemovalView({ guildId, userId: interaction.user.id, articleId }, title));
      return;
    }
    await interaction.editReply(exportView(articleId, await ctx.libraryArticles.export(guildId, articleId)));
  },

  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    await interaction.respond(focused.name === 'article' ? articleChoices(await ctx.libraryArticles.suggest(interaction.guildId!, focused.value)) : []);
  },

  async component(interaction, ctx) {
    const remove = removeId.decode(interaction.customId);
    if (!remove || !interaction.isButton()) throw new UserError(UNKNOWN_COMPONENT);
    if (remove.guildId !== interaction.guildId || remove.userId !== interaction.user.id) throw new UserError(NOT_YOURS);
    // Permissions may have changed since the command: checked again at the click.
    requireManageServer(interaction, () => manageServerRefusal('remove'));
    await interaction.deferUpdate();
    await interaction.editReply(removedView(remove.articleId, await ctx.libraryArticles.remove(remove.guildId, remove.articleId)));
  },
} satisfies SlashCommand;
