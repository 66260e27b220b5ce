import { UserError } from '../../lib/errors.js';
import { quoteInput } from '../../lib/ui/limits.js';
import type { PollIndexEntry } from './store.js';

const MESSAGE_LINK = /discord(?:app)?\.com\/channels\/\d+\/\d+\/(\d+)/i;

/**
 * The poll `/poll close` means: given as a poll id, a message link or a message
 * id, or else the newest open poll of the channel.
 */
export function closingTarget(entries: PollIndexEntry[], channelId: string, given?: string): PollIndexEntry {
  const text = given?.trim();
  if (!text) {
    const open = entries.filter((entry) => entry.channelId === channelId && entry.closedAt === null);
    // Entries are kept in creation order, so on equal times the later one is newer.
    const newest = open.reduce<PollIndexEntry | undefined>((best, entry) => (!best || entry.createdAt >= best.createdAt ? entry : best), undefined);
    if (!newest) throw new UserError('There is no open poll in this channel; to close one elsewhere, give its id or message link.');
    return newest;
  }
  const messageId = MESSAGE_LINK.exec(text)?.[1] ?? (/^\d{15,21}$/.test(text) ? text : undefined);
  const found = entries.find((entry) => (messageId ? entry.messageId === messageId : entry.id === text.toLowerCase()));
  if (!found) {
    throw new UserError(`There is no poll \`${quoteInput(text)}\` in this server: use the id under the poll (\`poll abc123…\`) or its message link.`);
  }
  return found;
}
