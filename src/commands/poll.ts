import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { missingPollPermissions } from '../discord/poll-host.js';
import { passageChoices } from '../features/passage/views.js';
import { voteId } from '../features/polls/ids.js';
import { UNKNOWN_VOTE_BUTTON, type PostPoll } from '../features/polls/service.js';
import { missingPermissionsText, pollClosedReply, pollView, voteConfirmation } from '../features/polls/views.js';
import type { SlashCommand } from './types.js';

/**
 * How long a vote may take before its click is acknowledged with a private "thinking" reply.
 * A vote usually lands in milliseconds, and then the confirmation itself is the first response:
 * one callback, which discord.js keeps outside its 50-requests-a-second global limit (the edit of
 * a deferred reply counts against it, so 1,000 simultaneous clicks deferred first wait some 20 s
 * for their confirmations). A vote still pending then (a slow store) is deferred well within 3 s.
 */
const ANSWER_WITHIN_MS = 1_000;

/** True when `work` settles (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

const DURATION_HELP = 'How long it runs: 30s to 7d, e.g. 90s, 15m, 2h, 1d (default 15m)';

export default {
  data: new SlashCommandBuilder()
    .setName('poll')
    .setDescription('Quick polls for the group')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('create')
        .setDescription('Ask the channel a question with one button per answer')
        .addStringOption((option) => option.setName('question').setDescription('The question, up to 300 characters').setRequired(true))
        .addStringOption((option) =>
          option.setName('options').setDescription('2 to 10 answers separated by |, e.g. Yes | No | Partly').setRequired(true),
        )
        .addStringOption((option) => option.setName('duration').setDescription(DURATION_HELP))
        .addBooleanOption((option) => option.setName('multiple').setDescription('Each person may choose several answers'))
        .addBooleanOption((option) => option.setName('anonymous').setDescription('Votes are stored without names and never shown')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('passage')
        .setDescription('Ask whether the group agrees with a passage, quoting it')
        .addStringOption((option) =>
          option.setName('ref').setDescription('The passage, e.g. why-putin-interferes:5').setRequired(true).setAutocomplete(true),
        )
        .addStringOption((option) => option.setName('duration').setDescription(DURATION_HELP)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('close')
        .setDescription('Close a poll now (its creator, or anyone with Manage Messages)')
        .addStringOption((option) =>
          option.setName('poll').setDescription('Poll id or message link (default: the newest open poll here)'),
        ),
    ),

  async execute(interaction, ctx) {
    const { options } = interaction;
    const guildId = interaction.guildId!;
    if (options.getSubcommand() === 'close') {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const poll = await ctx.polls.close({
        guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        canManageMessages: interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
        poll: options.getString('poll') ?? undefined,
      });
      await interaction.editReply(pollClosedReply(poll));
      return;
    }

    const missing = missingPollPermissions(interaction.appPermissions, interaction.channel?.isThread() ?? false);
    if (missing.length > 0) throw new UserError(missingPermissionsText(missing));
    const place = { guildId, channelId: interaction.channelId, creatorId: interaction.user.id };
    // The poll itself is the first response, sent before the service stores it (see `create`),
    // once its input is valid and the member's cooldown is over.
    const post: PostPoll = async (poll) =>
      ctx.cooldowns.posting(guildId, interaction.user.id, async () => {
        const response = await interaction.reply({ ...pollView(poll), withResponse: true });
        const posted = response.resource?.message;
        if (!posted) throw new Error('the poll reply came back without its message');
        return { id: posted.id, retract: () => interaction.deleteReply() };
      });
    if (options.getSubcommand() === 'passage') {
      await ctx.polls.createForPassage(place, options.getString('ref', true), options.getString('duration') ?? undefined, post);
      return;
    }
    await ctx.polls.create(
      place,
      {
        question: options.getString('question', true),
        options: options.getString('options', true),
        duration: options.getString('duration') ?? undefined,
        multiple: options.getBoolean('multiple') ?? undefined,
        anonymous: options.getBoolean('anonymous') ?? undefined,
      },
      post,
    );
  },

  async autocomplete(interaction, ctx) {
    await interaction.respond(passageChoices(await ctx.passage.suggestReferences(interaction.guildId!, interaction.options.getFocused())));
  },

  async component(interaction, ctx) {
    const vote = voteId.decode(interaction.customId);
    if (!vote) throw new UserError(UNKNOWN_VOTE_BUTTON);
    const counting = ctx.polls.vote({
      pollId: vote.pollId,
      option: vote.option,
      userId: interaction.user.id,
      guildId: interaction.guildId!,
      messageId: interaction.message.id,
    });
    if (!(await settlesWithin(counting, ANSWER_WITHIN_MS))) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const counted = await counting;
    const confirmation = { content: voteConfirmation(counted.poll, counted.vote), allowedMentions: { parse: [] } };
    if (interaction.deferred) await interaction.editReply(confirmation);
    else await interaction.reply({ ...confirmation, flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
