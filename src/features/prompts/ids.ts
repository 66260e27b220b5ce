import { customId } from '../../lib/custom-id.js';
import type { Verdict } from './service.js';

// Each id carries its server: a button seen in another server (a forwarded message, a forged
// id) resolves to nothing there, whatever the suggestion id in it.
const GUILD = /^\d{1,20}$/;
const PROMPT = /^p-[0-9a-z]{1,7}$/;

/** Approve / Reject of one suggestion under `/prompt review`. */
export const reviewId = customId<{ guildId: string; promptId: string; verdict: Verdict }>('prompt:review', {
  encode: ({ guildId, promptId, verdict }) => `${guildId}:${promptId}:${verdict}`,
  decode(rest) {
    const [guildId = '', promptId = '', verdict] = rest.split(':');
    if (!GUILD.test(guildId) || !PROMPT.test(promptId) || (verdict !== 'approve' && verdict !== 'reject')) return undefined;
    return { guildId, promptId, verdict };
  },
});

/** Previous / next page of `/prompt list`; the direction keeps the two buttons' ids distinct. */
export const listPageId = customId<{ guildId: string; page: number; direction: 'prev' | 'next' }>('prompt:page', {
  encode: ({ guildId, page, direction }) => `${guildId}:${page}:${direction}`,
  decode(rest) {
    const [guildId = '', page = '', direction] = rest.split(':');
    if (!GUILD.test(guildId) || !/^\d{1,3}$/.test(page) || (direction !== 'prev' && direction !== 'next')) return undefined;
    return { guildId, page: Number(page), direction };
  },
});
