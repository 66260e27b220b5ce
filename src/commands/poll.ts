import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { missingPollPermissions } from '../discord/poll-host.js';
import { passageChoices } from '../features/passage/views.js';
import { voteId } from '../features/polls/ids.js';
import type { PostPoll } from '../features/polls/service.js';
import { missingPermissionsText, pollClosedReply, pollView, UNKNOWN_VOTE_BUTTON, voteConfirmation } from '../features/polls/views.js';
import type { SlashCommand } from './types.js';

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
    const post: PostPoll = async (poll) => {
      const response = await interaction.reply({ ...pollView(poll), withResponse: true });
      const posted = response.resource?.message;
      if (!posted) throw new Error('the poll reply came back without its message');
      return posted;
    };
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
    await interaction.respond(passageChoices(await ctx.passage.suggestPassages(interaction.guildId!, interaction.options.getFocused())));
  },

  async component(interaction, ctx) {
    const vote = voteId.decode(interaction.customId);
    if (!vote) throw new UserError(UNKNOWN_VOTE_BUTTON);
    const counted = await ctx.polls.vote(vote.pollId, vote.option, interaction.user.id);
    await interaction.reply({ content: voteConfirmation(counted.poll, counted.vote), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
} satisfies SlashCommand;
