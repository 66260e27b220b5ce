// SPEC 13: `npm run deploy-commands` reports a refused token, an unknown guild or a wrong
// application id in one line that names the variable, like `npm start`, and exits 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '@marginalia/loopback';
import { runDeploy } from '../../tools/bot-process.js';

let lb: Loopback;

beforeAll(async () => {
  lb = await startLoopback();
});

afterAll(async () => {
  await lb?.close();
});

/** A snowflake no one in the loopback world has. */
const STRANGER = '123456789012345678';
const OTHER_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBB.CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';

function expectOneLine(result: { code: number | null; output: string }, variable: string, token: string): void {
  expect(result.code, result.output).toBe(1);
  expect(result.output).not.toContain('\n');
  expect(result.output).toMatch(/^marginalia: /);
  expect(result.output).toContain(variable);
  expect(result.output).not.toMatch(/\bat /);
  expect(result.output).not.toContain('DiscordAPIError');
  expect(result.output).not.toContain(token);
}

describe('deploy-commands', () => {
  it('registers the commands in the dev guild and globally', async () => {
    const guild = await runDeploy(lb, { guildId: lb.world.defaultGuild.id });
    expect(guild.code, guild.output).toBe(0);
    expect(guild.output).toMatch(/^Registered \d+ commands in guild \d+ for application \d+\.$/);
    expect(guild.output).toContain(lb.world.application.id);

    const global = await runDeploy(lb, { env: { DISCORD_CLIENT_ID: lb.world.application.id } });
    expect(global.code, global.output).toBe(0);
    expect(global.output).toMatch(/^Registered \d+ commands globally/);
  });

  it('names DISCORD_TOKEN when Discord refuses the token', async () => {
    const result = await runDeploy(lb, { env: { DISCORD_TOKEN: OTHER_TOKEN } });
    expectOneLine(result, 'DISCORD_TOKEN', OTHER_TOKEN);
    expect(result.output).toContain('401');
  });

  it('names DISCORD_TOKEN when Discord refuses the token on the command PUT (client id configured)', async () => {
    const result = await runDeploy(lb, { guildId: lb.world.defaultGuild.id, env: { DISCORD_TOKEN: OTHER_TOKEN, DISCORD_CLIENT_ID: lb.world.application.id } });
    expectOneLine(result, 'DISCORD_TOKEN', OTHER_TOKEN);
  });

  it('names DEV_GUILD_ID when the bot is not in that guild', async () => {
    const result = await runDeploy(lb, { guildId: STRANGER });
    expectOneLine(result, 'DEV_GUILD_ID', lb.token);
    expect(result.output).toContain(STRANGER);
  });

  it('names DEV_GUILD_ID when the guild exists but the bot is not a member', async () => {
    const guild = lb.world.defaultGuild;
    const membership = guild.members.get(lb.world.bot.id)!;
    guild.members.delete(lb.world.bot.id);
    try {
      const result = await runDeploy(lb, { guildId: guild.id });
      expectOneLine(result, 'DEV_GUILD_ID', lb.token);
      expect(result.output).toContain('Missing Access');
    } finally {
      guild.members.set(lb.world.bot.id, membership);
    }
  });

  it('names DISCORD_CLIENT_ID when it is no application (Discord: 10002 Unknown Application)', async () => {
    const global = await runDeploy(lb, { env: { DISCORD_CLIENT_ID: STRANGER } });
    expectOneLine(global, 'DISCORD_CLIENT_ID', lb.token);
    expect(global.output).toContain(STRANGER);
    expect(global.output).toContain('Unknown Application');

    // The server's id pasted by mistake; the application is checked before the guild, as on Discord.
    const guildId = lb.world.defaultGuild.id;
    const inGuild = await runDeploy(lb, { guildId, env: { DISCORD_CLIENT_ID: guildId } });
    expectOneLine(inGuild, 'DISCORD_CLIENT_ID', lb.token);
    expect(inGuild.output).not.toContain('DEV_GUILD_ID');
  });

  it('names DISCORD_CLIENT_ID when it is another bot’s application (Discord: 20012)', async () => {
    const other = lb.world.createUser('Another bot', true);
    const result = await runDeploy(lb, { guildId: lb.world.defaultGuild.id, env: { DISCORD_CLIENT_ID: other.id } });
    expectOneLine(result, 'DISCORD_CLIENT_ID', lb.token);
    expect(result.output).toContain('not authorized');
  });
});
