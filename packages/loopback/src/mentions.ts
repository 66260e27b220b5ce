import type { AllowedMentions, Pings } from './types.js';

export const NO_PINGS: Pings = { everyone: false, roles: [], users: [] };

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/**
 * Who a message would ping, by Discord's allowed_mentions rules. The author's
 * Mention Everyone permission and role mentionability are deliberately not consulted:
 * a test should fail when text *could* ping on a server where the bot has that power.
 */
export function computePings(
  content: string,
  allowed: AllowedMentions | undefined,
  repliedUserId: string | null,
): Pings {
  const users = unique([...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] ?? ''));
  const roles = unique([...content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1] ?? ''));
  const everyone = /@(everyone|here)\b/.test(content);

  if (!allowed) {
    return { everyone, roles, users: unique([...users, ...(repliedUserId ? [repliedUserId] : [])]) };
  }
  const parse = allowed.parse ?? [];
  const pingedUsers = parse.includes('users') ? users : users.filter((id) => allowed.users?.includes(id));
  const pingedRoles = parse.includes('roles') ? roles : roles.filter((id) => allowed.roles?.includes(id));
  // Discord pings the author of the replied-to message only when replied_user is true.
  const replied = repliedUserId && allowed.replied_user ? [repliedUserId] : [];
  return {
    everyone: everyone && parse.includes('everyone'),
    roles: pingedRoles,
    users: unique([...pingedUsers, ...replied]),
  };
}
