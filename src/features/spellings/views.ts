import { EmbedBuilder, type BaseMessageOptions } from 'discord.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { listed, MAX_SERVER_GROUPS, type SpellingLists } from './service.js';

const lines = (groups: ReadonlyArray<readonly string[]>) => groups.map((group) => `• ${listed(group)}`).join('\n');

/** `/spelling list`: the server's own groups, then the ones that come with the articles. */
export function spellingsView({ own, shipped }: SpellingLists): BaseMessageOptions {
  const ownText = own.length > 0 ? lines(own) : 'None yet. Someone with Manage Server can add one: `/spelling add form:Almaty other:Alma-Ata`.';
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle('Other spellings search treats as one')
    .setDescription(truncate(`Search finds every form of a group, the form typed first.\n\n**This server's own** (${own.length} of ${MAX_SERVER_GROUPS})\n${ownText}`, LIMITS.embedDescription));
  if (shipped.length > 0) embed.addFields({ name: `With the articles (${shipped.length})`, value: truncate(lines(shipped), LIMITS.fieldValue) });
  return { embeds: [embed] };
}

/** `/spelling add`: the group as search now reads it. */
export function spellingAddedText(group: readonly string[]): string {
  return `Search on this server now finds ${listed(group)} from any one of them.`;
}

/** `/spelling remove`: what is left of the group. */
export function spellingRemovedText(form: string, left: readonly string[]): string {
  const rest = left.length > 0 ? ` The group is now ${listed(left)}.` : ' Its group had no other pair left, so it is gone.';
  return `${listed([form])} is no longer one of this server's spellings.${rest}`;
}

export function manageServerSpellingRefusal(subcommand: string): string {
  return `You need the **Manage Server** permission to use \`/spelling ${subcommand}\`; \`/spelling list\` is open to everyone.`;
}
