import { OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import type { ChannelRecord, GuildRecord } from './types.js';

const ALL = Object.values(P).reduce((all, bit) => all | bit, 0n);

/** What @everyone gets in the default world: a plain member. */
export const MEMBER_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.EmbedLinks |
  P.CreatePublicThreads |
  P.AddReactions;

/** Discord's base permissions: the owner, then @everyone and every role of the member. */
function guildPermissions(guild: GuildRecord, userId: string): bigint {
  if (guild.ownerId === userId) return ALL;
  const member = guild.members.get(userId);
  if (!member) return 0n;
  let permissions = guild.roles[0]?.permissions ?? 0n;
  for (const role of guild.roles) {
    if (member.roleIds.includes(role.id)) permissions |= role.permissions;
  }
  return permissions & P.Administrator ? ALL : permissions;
}

/**
 * Discord's channel algorithm: base, then the @everyone overwrite, then all role
 * overwrites together, then the member's own overwrite. Threads use their parent's.
 */
export function channelPermissions(
  guild: GuildRecord,
  channel: ChannelRecord,
  userId: string,
  parentOf: (id: string) => ChannelRecord | undefined,
): bigint {
  const base = guildPermissions(guild, userId);
  if (base & P.Administrator) return ALL;
  const source = channel.thread && channel.parentId ? (parentOf(channel.parentId) ?? channel) : channel;
  const member = guild.members.get(userId);
  let permissions = base;

  const everyone = source.overwrites.find((o) => o.id === guild.id);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;

  let allow = 0n;
  let deny = 0n;
  for (const overwrite of source.overwrites) {
    if (overwrite.type === OverwriteType.Role && overwrite.id !== guild.id && member?.roleIds.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;

  const own = source.overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
  if (own) permissions = (permissions & ~own.deny) | own.allow;

  // Without sight of a channel nothing else in it applies; without sending, nothing that rides on a message does.
  if (!(permissions & P.ViewChannel)) return 0n;
  if (!channel.thread && !(permissions & P.SendMessages)) {
    permissions &= ~(P.EmbedLinks | P.AttachFiles | P.MentionEveryone | P.SendTTSMessages);
  }
  return permissions;
}

export function has(permissions: bigint, ...bits: bigint[]): boolean {
  return bits.every((bit) => (permissions & bit) === bit);
}
