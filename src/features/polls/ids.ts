import { customId } from '../../lib/custom-id.js';

/** One answer's button on a poll message. */
export const voteId = customId<{ pollId: string; option: number }>('poll:vote', {
  encode: ({ pollId, option }) => `${pollId}:${option}`,
  decode(rest) {
    const match = /^([a-z0-9]{1,20}):(\d{1,2})$/.exec(rest);
    return match ? { pollId: match[1]!, option: Number(match[2]) } : undefined;
  },
});
