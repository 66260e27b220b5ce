import { TimestampStyles, time } from 'discord.js';

/** A member in cooldown: when they may post to the channel again, as a relative Discord timestamp. */
export function cooldownRefusal(until: number): string {
  return `You posted to the channel a moment ago; you can post again ${time(Math.ceil(until / 1000), TimestampStyles.RelativeTime)}.`;
}
