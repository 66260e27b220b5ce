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
      SHARD_COUNT: 'auto',
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
    [{ DISCORD_TOKEN: token, SHARD_COUNT: 'lots' }, /^SHARD_COUNT should be "auto" or a whole number/],
    [{ DISCORD_TOKEN: token, LOG_LEVEL: 'loud' }, /^LOG_LEVEL should be one of/],
    [{ DISCORD_TOKEN: token, DISCORD_API_URL: 'ftp://example' }, /^DISCORD_API_URL should be an http\(s\) URL/],
    [{ DISCORD_TOKEN: token, DEV_GUILD_ID: '12' }, /^DEV_GUILD_ID should be a Discord id/],
    [{ DISCORD_TOKEN: token, DISCORD_CLIENT_ID: 'abc' }, /^DISCORD_CLIENT_ID should be a Discord id/],
  ])('GIVEN a malformed value THEN one sentence names the variable (%o)', (env, expected) => {
    expect(failure(env)).toMatch(expected);
  });

  it('GIVEN a loopback API URL with a trailing slash and a shard count THEN they are normalised', () => {
    const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: 'http://127.0.0.1:4000/api/', SHARD_COUNT: '4' });
    expect(config.DISCORD_API_URL).toBe('http://127.0.0.1:4000/api');
    expect(config.SHARD_COUNT).toBe(4);
  });

  it('GIVEN no token THEN the corpus folder can still be read for corpus:check', () => {
    expect(corpusDirFromEnv({})).toBe('corpus');
    expect(corpusDirFromEnv({ CORPUS_DIR: 'elsewhere' })).toBe('elsewhere');
  });
});
