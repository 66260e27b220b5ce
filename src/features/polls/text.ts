import { escapeMarkdown } from 'discord.js';
import { truncate } from '../../lib/ui/limits.js';

/**
 * User and corpus text shown in an embed or message. Markdown is escaped so an
 * answer reads as typed; `@everyone` and `@here` get a zero-width space so they
 * stay readable but can never ping, whatever a message's allowed mentions say.
 * User, role and channel mentions render as names, which embeds and our
 * `allowedMentions: { parse: [] }` keep silent.
 */
export function shownText(text: string): string {
  return escapeMarkdown(text).replace(/@(everyone|here)/gi, '@\u200b$1');
}

/** Text for a button label, which Discord shows raw: mention syntax becomes words. */
export function labelText(text: string, max = 80): string {
  const plain = text
    .replace(/<@!?\d+>/g, '@member')
    .replace(/<@&\d+>/g, '@role')
    .replace(/<#\d+>/g, '#channel');
  return truncate(plain, max);
}
