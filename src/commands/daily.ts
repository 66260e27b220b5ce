import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { describeMissing, missingPermissions } from '../discord/daily-poster.js';
import { timezoneChoices, type ScheduleInput } from '../features/daily/schedule.js';
import { needsManageServerText, notPostedText, offText, postedView, previewView, readAsNote, setCheckText, setView, statusView } from '../features/daily/views.js';
import { UserError } from '../lib/errors.js';
import { requireManageServer } from '../discord/manage-server.js';
import type { SlashCommand } from './types.js';

// SPEC: `/daily set|off|now` are for Manage Server, `status` and `preview` for everyone.
// Discord sets default_member_permissions per top-level command, not per subcommand,
// so /daily stays visible to all and the handler refuses the admin subcommands.
const ADMIN_SUBCOMMANDS = new Set(['set', 'off', 'now']);

export default {
  data: new SlashCommandBuilder()
    .setName('daily')
    .setDescription('The daily quote with a discussion prompt')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('set')
        .setDescription('Schedule the daily post, or turn it back on; changes only what you give (Manage Server)')
        .addChannelOption((o) => o.setName('channel').setDescription('Where to post (first time: default this channel)').addChannelTypes(ChannelType.GuildText))
        .addStringOption((o) => o.setName('time').setDescription('Local time, HH:MM on a 24-hour clock, e.g. 09:00 (needed the first time)').setMaxLength(20))
        .addStringOption((o) => o.setName('timezone').setDescription('IANA timezone like Asia/Almaty, or UTC+5 (first time: default UTC)').setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('days').setDescription('every day (first-time default), weekdays, weekends, or a list like mon,wed,fri').setMaxLength(100))
        .addBooleanOption((o) => o.setName('thread').setDescription('Start a discussion thread on each post (first-time default true)'))
        .addRoleOption((o) => o.setName('role').setDescription('A role to ping with each post (first-time default: no ping)'))
        .addBooleanOption((o) => o.setName('no_ping').setDescription('True: stop pinging the role')),
    )
    .addSubcommand((sub) => sub.setName('off').setDescription('Stop the daily post, keeping its setup for /daily set (Manage Server)'))
    .addSubcommand((sub) => sub.setName('status').setDescription('The schedule, the next post and the last one'))
    .addSubcommand((sub) => sub.setName('preview').setDescription('See the next post, privately'))
    .addSubcommand((sub) => sub.setName('now').setDescription("Post today's quote now; it counts as today's post (Manage Server)")),

  async execute(interaction, ctx) {
    const guildId = interaction.guildId!;
    const subcommand = interaction.options.getSubcommand();
    if (ADMIN_SUBCOMMANDS.has(subcommand)) requireManageServer(interaction, () => needsManageServerText(subcommand));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (subcommand === 'set') {
      const typedZone = interaction.options.getString('timezone');
      const changes = ctx.daily.parseSchedule({
        // Discord offers only text channels here; the typed read refuses any other.
        channelId: interaction.options.getChannel('channel', false, [ChannelType.GuildText])?.id,
        time: interaction.options.getString('time'),
        timezone: typedZone,
        days: interaction.options.getString('days'),
        thread: interaction.options.getBoolean('thread'),
        roleId: interaction.options.getRole('role')?.id,
        noPing: interaction.options.getBoolean('no_ping'),
      });
      const here = interaction.channel?.type === ChannelType.GuildText ? interaction.channelId : undefined;
      const schedule = await ctx.daily.withChanges(guildId, changes, here);
      const notes = [...readAsNote(typedZone, schedule.timezone), ...checkChannelAndRole(interaction, schedule)];
      await interaction.editReply(setView(guildId, await ctx.daily.set(guildId, schedule), notes));
    } else if (subcommand === 'off') {
      await interaction.editReply(offText(await ctx.daily.off(guildId)));
    } else if (subcommand === 'status') {
      await interaction.editReply(statusView(guildId, await ctx.daily.status(guildId)));
    } else if (subcommand === 'preview') {
      await interaction.editReply(previewView(await ctx.daily.preview(guildId)));
    } else {
      // A post to the channel waits out the member's cooldown; one not made does not count.
      const outcome = await ctx.cooldowns.posting(guildId, interaction.user.id, async () => {
        const made = await ctx.daily.postNow(guildId);
        if (made.kind !== 'posted') throw new UserError(notPostedText(guildId, made));
        return made;
      });
      await interaction.editReply(postedView(guildId, outcome));
    }
  },

  async autocomplete(interaction) {
    const focused = interaction.options.getFocused(true);
    await interaction.respond(focused.name === 'timezone' ? timezoneChoices(focused.value) : []);
  },
} satisfies SlashCommand;

/**
 * Checks, before anything is saved, the bot's permissions in the schedule's channel (from
 * the channel itself or, for the current channel, from the interaction) and the role to
 * ping. Gives back notes for the reply.
 */
function checkChannelAndRole(interaction: ChatInputCommandInteraction, schedule: ScheduleInput): string[] {
  const { channelId } = schedule;
  const cached = interaction.guild?.channels.cache.get(channelId);
  const permissions = (cached ? cached.permissionsFor(interaction.client.user) : null) ?? (channelId === interaction.channelId ? interaction.appPermissions : null);
  if (!permissions) throw new UserError(setCheckText.cannotCheckPermissions(channelId));
  const missing = missingPermissions(permissions, schedule.thread);
  if (missing.length > 0) throw new UserError(setCheckText.cannotPostThere(describeMissing(missing, channelId)));

  const given = interaction.options.getRole('role');
  if (given?.id === interaction.guildId) throw new UserError(setCheckText.everyone);
  const role = given ?? (schedule.roleId ? interaction.guild?.roles.cache.get(schedule.roleId) : undefined);
  if (role && !role.mentionable && !permissions.has(PermissionFlagsBits.MentionEveryone)) return [setCheckText.roleNotMentionable(role.id)];
  return [];
}
