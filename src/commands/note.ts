import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type BaseMessageOptions } from 'discord.js';
import type { BotContext } from '../context.js';
import { UNKNOWN_COMPONENT, UserError } from '../lib/errors.js';
import { MAX_NOTE } from '../features/history/entry.js';
import { notesPageId } from '../features/history/ids.js';
import { noteAddedReply, noteRemovedReply, notesPage, notesView } from '../features/history/views.js';
import { passageChoices } from '../features/passage/views.js';
import { formatRef } from '../library/references.js';
import type { SlashCommand } from './types.js';

const REF_HELP = 'The passage or range, e.g. former-kazakhstan:2 or why-putin-interferes 2-3';

/** A page of a passage's notes, newest first. */
async function notesReply(ctx: BotContext, guildId: string, ref: string, page: number): Promise<BaseMessageOptions> {
  // The library resolves the reference: a removed article gets its clear sentence.
  const range = await ctx.passage.show(guildId, ref);
  const notes = (await ctx.history.ofPassage(guildId, range.article.id, range.from, range.to)).filter((entry) => entry.kind === 'note');
  return notesView(notesPage({ guildId, articleId: range.article.id, from: range.from, to: range.to, page, title: range.article.title, entries: notes }));
}

export default {
  data: new SlashCommandBuilder()
    .setName('note')
    .setDescription("The group's notes on passages")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription('Add a note to a passage or range, for the whole server to read')
        .addStringOption((o) => o.setName('ref').setDescription(REF_HELP).setRequired(true).setMaxLength(100).setAutocomplete(true))
        .addStringOption((o) => o.setName('text').setDescription(`Your note, up to ${MAX_NOTE.toLocaleString('en')} characters`).setRequired(true).setMaxLength(MAX_NOTE)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('list')
        .setDescription("A passage's notes, newest first")
        .addStringOption((o) => o.setName('ref').setDescription(REF_HELP).setRequired(true).setMaxLength(100).setAutocomplete(true)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('remove')
        .setDescription('Remove a note (its author, or anyone with Manage Messages)')
        .addStringOption((o) => o.setName('id').setDescription('Its id, as /note list shows it, e.g. #k3x9q2').setRequired(true).setMaxLength(20)),
    ),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const userId = interaction.user.id;
    const { options } = interaction;
    // Every answer is private, and each reads or writes the store: acknowledged first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    switch (options.getSubcommand()) {
      case 'add':
        // A note is read by the whole server, so it waits out the member's posting cooldown.
        await ctx.cooldowns.posting(guildId, userId, async () => {
          const { article, from, to } = await ctx.passage.show(guildId, options.getString('ref', true));
          const entry = await ctx.history.addNote(guildId, userId, formatRef(article.id, from, to), article.title, options.getString('text', true));
          await interaction.editReply(noteAddedReply(entry));
        });
        return;
      case 'list':
        await interaction.editReply(await notesReply(ctx, guildId, options.getString('ref', true), 1));
        return;
      default: {
        const canManageMessages = interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
        await interaction.editReply(noteRemovedReply(await ctx.history.removeNote(guildId, options.getString('id', true), userId, canManageMessages)));
      }
    }
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(passageChoices(await ctx.passage.suggestReferences(interaction.guildId!, interaction.options.getFocused())));
  },

  async component(interaction, ctx) {
    const guildId = interaction.guildId!;
    const turn = notesPageId.decode(interaction.customId);
    // An id of another server (forwarded or forged) turns nothing here.
    if (turn?.guildId !== guildId) throw new UserError(UNKNOWN_COMPONENT);
    await interaction.deferUpdate();
    await interaction.editReply(await notesReply(ctx, guildId, formatRef(turn.articleId, turn.from, turn.to), turn.page));
  },
} satisfies SlashCommand;
