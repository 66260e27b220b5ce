import { z } from 'zod';

const snowflake = z.string().regex(/^\d{17,20}$/, 'should be a Discord id (17 to 20 digits)');
const shardsExpected = 'should be "auto" or a whole number of shards from 1 to 1000';
const storeSchemes = ['sqlite:', 'redis:', 'rediss:', 'postgres:', 'postgresql:'];

// Each entry says what is expected in words a server admin can act on.
const configSchema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is required: the bot token from the Discord developer portal' })
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'should look like a bot token (three dot-separated parts)'),
  DISCORD_CLIENT_ID: snowflake.optional(),
  DEV_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: 'should be an http(s) URL such as https://discord.com/api' })
    .default('https://discord.com/api')
    .transform((url) => url.replace(/\/+$/, '')),
  STORE_URL: z
    .string()
    .refine((url) => storeSchemes.some((scheme) => url.startsWith(scheme)), {
      message: 'should start with sqlite://, redis://, rediss://, postgres:// or postgresql://',
    })
    .default('sqlite://data/marginalia.sqlite'),
  CORPUS_DIR: z.string().min(1).default('corpus'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'should be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  TOTAL_SHARDS: z
    .union([z.literal('auto'), z.coerce.number().int(shardsExpected).min(1, shardsExpected).max(1000, shardsExpected)], { error: shardsExpected })
    .default('auto'),
  SHARD_IDS: z
    .string()
    .transform((text, ctx) => {
      const ids = parseShardIds(text);
      if (!ids) {
        ctx.addIssue({ code: 'custom', message: 'should list shard ids such as 0-3 or 4,5,6,7' });
        return z.NEVER;
      }
      return ids;
    })
    .optional(),
  HEALTH_PORT: z.coerce
    .number({ error: 'should be a port number from 1 to 65535' })
    .int('should be a port number from 1 to 65535')
    .min(1, 'should be a port number from 1 to 65535')
    .max(65_535, 'should be a port number from 1 to 65535')
    .optional(),
  LIBRARY_CACHE_MB: z.coerce
    .number({ error: 'should be a whole number of megabytes from 1 to 65536' })
    .int('should be a whole number of megabytes from 1 to 65536')
    .min(1, 'should be a whole number of megabytes from 1 to 65536')
    .max(65_536, 'should be a whole number of megabytes from 1 to 65536')
    .default(64),
  // Set by discord.js's ShardingManager in the processes it spawns; never by hand.
  SHARDING_MANAGER: z.stringbool().default(false),
});

export type Config = z.infer<typeof configSchema>;

/** A configuration problem, told in one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `0-3`, `4,5,6,7` or `0-1,6`: distinct, ascending shard ids; null when malformed. */
function parseShardIds(text: string): number[] | null {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part);
    if (!range) return null;
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (to < from) return null;
    for (let id = from; id <= to; id += 1) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

// discord.js's Client reads these two itself: an empty `SHARD_COUNT=` in .env stops it
// with a stack trace, so outside the ShardingManager they are refused by name.
const CLIENT_OWNED = ['SHARD_COUNT', 'SHARDS'] as const;

/** Reads the environment once. Empty values count as unset, as in most .env files. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env.SHARDING_MANAGER !== 'true') {
    const stray = CLIENT_OWNED.find((name) => env[name] !== undefined);
    if (stray) {
      throw new ConfigError(`${stray} is read by discord.js itself and must not be set: remove it (the shard settings are TOTAL_SHARDS and SHARD_IDS; see README, "Configuration").`);
    }
  }
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) {
    const { TOTAL_SHARDS, SHARD_IDS } = result.data;
    const outside = TOTAL_SHARDS === 'auto' ? undefined : SHARD_IDS?.find((id) => id >= TOTAL_SHARDS);
    if (outside !== undefined) throw new ConfigError(`SHARD_IDS names shard ${outside}, but TOTAL_SHARDS is ${TOTAL_SHARDS} (ids run from 0 to ${Number(TOTAL_SHARDS) - 1}) (see README, "Configuration").`);
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  throw new ConfigError(`${variable} ${issue.message} (see README, "Configuration").`);
}

/** The corpus folder alone, for tools that need no token (corpus:check). */
export function corpusDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return configSchema.shape.CORPUS_DIR.parse(env.CORPUS_DIR?.trim() || undefined);
}
