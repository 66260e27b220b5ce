import { z } from 'zod';

const snowflake = z.string().regex(/^\d{17,20}$/, 'should be a Discord id (17 to 20 digits)');
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
  SHARD_COUNT: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(1000)], {
      error: 'should be "auto" or a whole number of shards from 1 to 1000',
    })
    .default('auto'),
});

export type Config = z.infer<typeof configSchema>;

/** A configuration problem, told in one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once. Empty values count as unset, as in most .env files. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  throw new ConfigError(`${variable} ${issue.message} (see README, "Configuration").`);
}

/** The corpus folder alone, for tools that need no token (corpus:check). */
export function corpusDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return configSchema.shape.CORPUS_DIR.parse(env.CORPUS_DIR?.trim() || undefined);
}
