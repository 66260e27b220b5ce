// What a realistic server holds, for the guilds that World.addGuild makes: channels of mixed
// types under categories, a few roles, overwrites that hide or lock some channels.
import { ChannelType, OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';

export type GuildChannelKind =
  | ChannelType.GuildText
  | ChannelType.GuildAnnouncement
  | ChannelType.GuildVoice
  | ChannelType.GuildStageVoice
  | ChannelType.GuildCategory
  | ChannelType.GuildForum;

/** Who a channel is for: everyone, read-only for @everyone, or moderators only (hidden from @everyone). */
type Access = 'open' | 'read-only' | 'moderators';

interface ChannelTemplate {
  name: string;
  type: GuildChannelKind;
  /** The category it sits in, by name. */
  category?: string;
  access?: Access;
}

/**
 * A dozen channels as a reading group's server has them, in creation order; `general`
 * comes first so that a guild of one channel is the plain one tests have always had.
 */
const CHANNELS: ChannelTemplate[] = [
  { name: 'general', type: ChannelType.GuildText, category: 'Reading' },
  { name: 'Information', type: ChannelType.GuildCategory },
  { name: 'announcements', type: ChannelType.GuildAnnouncement, category: 'Information', access: 'read-only' },
  { name: 'rules', type: ChannelType.GuildText, category: 'Information', access: 'read-only' },
  { name: 'Reading', type: ChannelType.GuildCategory },
  { name: 'study', type: ChannelType.GuildText, category: 'Reading' },
  { name: 'questions', type: ChannelType.GuildForum, category: 'Reading' },
  { name: 'off-topic', type: ChannelType.GuildText, category: 'Reading' },
  { name: 'Voice', type: ChannelType.GuildCategory },
  { name: 'Reading room', type: ChannelType.GuildVoice, category: 'Voice' },
  { name: 'Talks', type: ChannelType.GuildStageVoice, category: 'Voice' },
  { name: 'moderators', type: ChannelType.GuildText, category: 'Information', access: 'moderators' },
];

/** Roles besides @everyone and the bot's own, in creation order; the first moderates. */
const ROLES: Array<{ name: string; permissions: bigint; mentionable: boolean }> = [
  { name: 'Moderators', permissions: P.ManageMessages | P.KickMembers | P.ModerateMembers | P.ManageThreads, mentionable: false },
  { name: 'Readers', permissions: 0n, mentionable: true },
  { name: 'Regulars', permissions: P.AttachFiles | P.CreatePrivateThreads, mentionable: false },
  { name: 'Events', permissions: 0n, mentionable: true },
  { name: 'Muted', permissions: 0n, mentionable: false },
];

/** The template cycled to `count` entries, repeats numbered (`general-2`) as a server would name them. */
function cycle<T extends { name: string }>(templates: T[], count: number): T[] {
  return Array.from({ length: count }, (_, index) => {
    const template = templates[index % templates.length]!;
    const round = Math.floor(index / templates.length);
    return round === 0 ? template : { ...template, name: `${template.name}-${round + 1}` };
  });
}

export const channelTemplates = (count: number): ChannelTemplate[] => cycle(CHANNELS, count);
export const roleTemplates = (count: number): typeof ROLES => cycle(ROLES, count);

/** The overwrites for a channel's access: @everyone may not send, or may not see (moderators may). */
export function accessOverwrites(access: Access | undefined, guildId: string, moderatorRoleId: string | undefined) {
  if (access === 'read-only') return [{ id: guildId, type: OverwriteType.Role, allow: 0n, deny: P.SendMessages | P.CreatePublicThreads }];
  if (access === 'moderators') {
    const hidden = { id: guildId, type: OverwriteType.Role, allow: 0n, deny: P.ViewChannel };
    return moderatorRoleId ? [hidden, { id: moderatorRoleId, type: OverwriteType.Role, allow: P.ViewChannel, deny: 0n }] : [hidden];
  }
  return [];
}
