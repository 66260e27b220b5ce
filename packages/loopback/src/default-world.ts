import { OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { MEMBER_PERMISSIONS } from './permissions.js';
import { World } from './world.js';

/** What the bot's own role grants in the default world (what Marginalia asks for when invited). */
export const BOT_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.CreatePublicThreads |
  P.SendMessagesInThreads |
  P.ReadMessageHistory |
  P.UseExternalEmojis;

/**
 * "Study Group": roles @everyone, Readers, Admins and the bot's Marginalia role; users
 * admin and member; channels study and general (the bot may post), locked (the bot's role
 * may not send) and hidden (the bot's role may not see).
 */
export function createDefaultWorld(): World {
  const world = new World('Marginalia');
  const owner = world.createUser('owner');
  const admin = world.createUser('admin');
  const member = world.createUser('member');
  world.users['owner'] = owner;
  world.users['admin'] = admin;
  world.users['member'] = member;

  const guild = world.createGuild('Study Group', owner.id, MEMBER_PERMISSIONS, BOT_PERMISSIONS);
  world.defaultGuild = guild;
  const readers = world.createRole(guild, 'Readers', 0n, { mentionable: true });
  const admins = world.createRole(guild, 'Admins', P.ManageGuild | P.ManageMessages);
  const botRole = world.botRole(guild.id);
  if (!botRole) throw new Error('loopback: the default guild lost its bot role');
  const now = new Date().toISOString();
  guild.members.set(admin.id, { userId: admin.id, roleIds: [admins.id, readers.id], joinedAt: now });
  guild.members.set(member.id, { userId: member.id, roleIds: [readers.id], joinedAt: now });

  world.channels['study'] = world.createChannel(guild.id, 'study');
  world.channels['general'] = world.createChannel(guild.id, 'general');
  world.channels['locked'] = world.createChannel(guild.id, 'locked', [
    { id: botRole.id, type: OverwriteType.Role, allow: 0n, deny: P.SendMessages },
  ]);
  world.channels['hidden'] = world.createChannel(guild.id, 'hidden', [
    { id: botRole.id, type: OverwriteType.Role, allow: 0n, deny: P.ViewChannel },
  ]);
  return world;
}
