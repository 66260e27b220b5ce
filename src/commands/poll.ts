import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../lib/errors.js';
import { passageChoices } from '../features/passage/service.js';
import { checkPollPermissions } from '../features/polls/permissions.js';
import { voteId } from '../features/polls/ids.js';
import type { PostPoll } from '../features/polls/service.js';
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
      await interaction.editReply(`Closed poll \`${poll.id}\`; its final results are on the poll message.`);
      return;
    }

    checkPollPermissions(interaction.appPermissions, interaction.channel?.isThread() ?? false);
    const place = { guildId, channelId: interaction.channelId, creatorId: interaction.user.id };
    const post: PostPoll = async (message) => {
      const response = await interaction.reply({ ...message, withResponse: true });
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
    await interaction.respond(passageChoices(ctx, interaction.options.getFocused()));
  },

  async component(interaction, ctx) {
    const vote = voteId.decode(interaction.customId);
    if (!vote) throw new UserError('This button does not belong to a poll I know.');
    const confirmation = await ctx.polls.vote(vote.pollId, vote.option, interaction.user.id);
    await interaction.reply({ content: confirmation, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
} satisfies SlashCommand;
