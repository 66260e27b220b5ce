import { EmbedBuilder, type BaseMessageOptions } from 'discord.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS } from '../../lib/ui/limits.js';

export interface HelpEntry {
  usage: string;
  what: string;
  example: string;
}

/** `/help`: what each command does, with an example. Entries come from the command registry. */
export function helpView(entries: HelpEntry[]): BaseMessageOptions {
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle('Marginalia: study articles together')
    .setDescription(
      'Look passages up, discuss a daily quote, and run quick polls. Replies are private unless you add `public:True` or an admin turned on `public_replies`.',
    )
    .addFields(entries.slice(0, LIMITS.embedFields).map((entry) => ({ name: entry.usage, value: `${entry.what}\nExample: \`${entry.example}\`` })));
  return { embeds: [embed] };
}
