// Discord snowflakes: milliseconds since the Discord epoch in the top bits.
const DISCORD_EPOCH = 1_420_070_400_000n;

let lastTimestamp = 0n;

/**
 * A new increasing snowflake. Each id gets its own millisecond (never earlier than
 * the clock) so that ids made one after another fall on different shards, which
 * makes `(id >> 22) % count` spread a freshly built world over the shards.
 */
export function snowflake(): string {
  const now = BigInt(Date.now()) - DISCORD_EPOCH;
  lastTimestamp = now > lastTimestamp ? now : lastTimestamp + 1n;
  return ((lastTimestamp << 22n) | (1n << 17n)).toString();
}

/** Which shard of `count` receives the guild, by Discord's formula. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}
