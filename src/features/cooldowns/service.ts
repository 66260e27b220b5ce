import { UserError } from '../../lib/errors.js';
import type { Settings } from '../settings/service.js';

/** The longest cooldown a server can set (`cooldown_seconds`), so older posts never matter. */
const MAX_COOLDOWN_MS = 3_600_000;
/** Past this many members remembered, those whose cooldown is over are forgotten. */
const SWEEP_ABOVE = 10_000;

interface CooldownDeps {
  settings: { get(guildId: string): Promise<Pick<Settings, 'cooldown_seconds'>> };
  /** The sentence for a member in cooldown, who may post again at `until` (ms since the epoch). */
  refusal: (until: number) => string;
  now?: () => number;
}

export type CooldownService = ReturnType<typeof createCooldownService>;

/**
 * Per-member cooldowns on what posts to a channel (SPEC section 12): after a post, a member
 * waits the server's `cooldown_seconds` before the next. Kept in this process's memory: all
 * interactions of a server reach the same shard process, and a restart forgetting a few
 * seconds of cooldown is harmless.
 */
export function createCooldownService({ settings, refusal, now = Date.now }: CooldownDeps) {
  /** When each member (`guild:user`) last started a post. */
  const lastPost = new Map<string, number>();

  const sweep = (at: number) => {
    if (lastPost.size <= SWEEP_ABOVE) return;
    for (const [key, started] of lastPost) if (at - started >= MAX_COOLDOWN_MS) lastPost.delete(key);
  };

  return {
    /**
     * Runs `post` unless the member posted within the server's cooldown, else refuses with
     * when they may post again. A post that fails (a refusal, an error) does not count.
     */
    async posting<T>(guildId: string, userId: string, post: () => Promise<T>): Promise<T> {
      const { cooldown_seconds } = await settings.get(guildId);
      const key = `${guildId}:${userId}`;
      const at = now();
      const previous = lastPost.get(key);
      // Measured from the last post with today's setting, so lowering it frees members at once.
      if (previous !== undefined && at < previous + cooldown_seconds * 1000) throw new UserError(refusal(previous + cooldown_seconds * 1000));
      lastPost.set(key, at);
      sweep(at);
      try {
        return await post();
      } catch (error) {
        if (lastPost.get(key) === at) {
          if (previous === undefined) lastPost.delete(key);
          else lastPost.set(key, previous);
        }
        throw error;
      }
    },
  };
}
