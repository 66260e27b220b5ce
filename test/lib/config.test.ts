import { describe, expect, it } from 'vitest';
import { ConfigError, corpusDirFromEnv, loadConfig } from '../../src/lib/config.js';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz';

function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('GIVEN only a token THEN every other variable takes its documented default', () => {
    expect(loadConfig({ DISCORD_TOKEN: token })).toEqual({
      DISCORD_TOKEN: token,
      DISCORD_API_URL: 'https://discord.com/api',
      STORE_URL: 'sqlite://data/marginalia.sqlite',
      CORPUS_DIR: 'corpus',
      LOG_LEVEL: 'info',
      TOTAL_SHARDS: 'auto',
      LIBRARY_CACHE_MB: 64,
      SHARDING_MANAGER: false,
    });
  });

  it('GIVEN no token THEN one line names DISCORD_TOKEN and points to the README', () => {
    const message = failure({});
    expect(message).toMatch(/^DISCORD_TOKEN is required/);
    expect(message).toContain('README');
    expect(message).not.toContain('\n');
  });

  it('GIVEN an empty value THEN it counts as unset, as in a .env file', () => {
    expect(failure({ DISCORD_TOKEN: '  ' })).toMatch(/^DISCORD_TOKEN is required/);
    expect(loadConfig({ DISCORD_TOKEN: token, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it.each([
    [{ DISCORD_TOKEN: 'not-a-token' }, /^DISCORD_TOKEN should look like a bot token/],
    [{ DISCORD_TOKEN: token, STORE_URL: 'mysql://db' }, /^STORE_URL should start with sqlite:\/\//],
    [{ DISCORD_TOKEN: token, TOTAL_SHARDS: 'lots' }, /^TOTAL_SHARDS should be "auto" or a whole number/],
    [{ DISCORD_TOKEN: token, TOTAL_SHARDS: '0' }, /^TOTAL_SHARDS should be "auto" or a whole number/],
    [{ DISCORD_TOKEN: token, SHARD_IDS: '3-1' }, /^SHARD_IDS should list shard ids such as 0-3 or 4,5,6,7/],
    [{ DISCORD_TOKEN: token, SHARD_IDS: 'first' }, /^SHARD_IDS should list shard ids/],
    [{ DISCORD_TOKEN: token, TOTAL_SHARDS: '4', SHARD_IDS: '2-5' }, /^SHARD_IDS names shard 4, but TOTAL_SHARDS is 4/],
    [{ DISCORD_TOKEN: token, HEALTH_PORT: 'http' }, /^HEALTH_PORT should be a port number from 1 to 65535/],
    [{ DISCORD_TOKEN: token, HEALTH_PORT: '70000' }, /^HEALTH_PORT should be a port number from 1 to 65535/],
    [{ DISCORD_TOKEN: token, LIBRARY_CACHE_MB: 'lots' }, /^LIBRARY_CACHE_MB should be a whole number of megabytes from 1 to 65536/],
    [{ DISCORD_TOKEN: token, LIBRARY_CACHE_MB: '0' }, /^LIBRARY_CACHE_MB should be a whole number of megabytes from 1 to 65536/],
    [{ DISCORD_TOKEN: token, SHARD_COUNT: '' }, /^SHARD_COUNT is read by discord.js itself and must not be set/],
    [{ DISCORD_TOKEN: token, SHARDS: '0' }, /^SHARDS is read by discord.js itself/],
    [{ DISCORD_TOKEN: token, LOG_LEVEL: 'loud' }, /^LOG_LEVEL should be one of/],
    [{ DISCORD_TOKEN: token, DISCORD_API_URL: 'ftp://example' }, /^DISCORD_API_URL should be an http\(s\) URL/],
    [{ DISCORD_TOKEN: token, DEV_GUILD_ID: '12' }, /^DEV_GUILD_ID should be a Discord id/],
    [{ DISCORD_TOKEN: token, DISCORD_CLIENT_ID: 'abc' }, /^DISCORD_CLIENT_ID should be a Discord id/],
  ])('GIVEN a malformed value THEN one sentence names the variable (%o)', (env, expected) => {
    const message = failure(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
    expect(message).toContain('README');
  });

  it('GIVEN SHARD_IDS as ranges and lists THEN they become distinct ascending ids', () => {
    expect(loadConfig({ DISCORD_TOKEN: token, SHARD_IDS: '0-3' }).SHARD_IDS).toEqual([0, 1, 2, 3]);
    expect(loadConfig({ DISCORD_TOKEN: token, SHARD_IDS: '7, 4,5,6' }).SHARD_IDS).toEqual([4, 5, 6, 7]);
    expect(loadConfig({ DISCORD_TOKEN: token, SHARD_IDS: '0-1,1-2', TOTAL_SHARDS: '3' }).SHARD_IDS).toEqual([0, 1, 2]);
    expect(loadConfig({ DISCORD_TOKEN: token, HEALTH_PORT: '9100' }).HEALTH_PORT).toBe(9100);
    expect(loadConfig({ DISCORD_TOKEN: token, LIBRARY_CACHE_MB: '256' }).LIBRARY_CACHE_MB).toBe(256);
  });

  it("GIVEN the ShardingManager's own SHARDS and SHARD_COUNT in a shard process THEN they are left to discord.js", () => {
    const config = loadConfig({ DISCORD_TOKEN: token, SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' });
    expect(config.SHARDING_MANAGER).toBe(true);
  });

  it('GIVEN a loopback API URL with a trailing slash and a shard count THEN they are normalised', () => {
    const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: 'http://127.0.0.1:4000/api/', TOTAL_SHARDS: '4' });
    expect(config.DISCORD_API_URL).toBe('http://127.0.0.1:4000/api');
    expect(config.TOTAL_SHARDS).toBe(4);
  });

  it('GIVEN no token THEN the corpus folder can still be read for corpus:check', () => {
    expect(corpusDirFromEnv({})).toBe('corpus');
    expect(corpusDirFromEnv({ CORPUS_DIR: 'elsewhere' })).toBe('elsewhere');
  });
});
