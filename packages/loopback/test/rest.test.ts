// REST from discord.js (its CommonJS build) so that errors are instances of the same DiscordAPIError class.
import { DiscordAPIError, REST, Routes, SlashCommandBuilder, type Client, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '../src/index.js';
import { connectClient } from '../src/client.js';

let lb: Loopback;
let client: Client<true>;

beforeAll(async () => {
  lb = await startLoopback();
  client = await connectClient(lb);
});

afterAll(async () => {
  await client?.destroy();
  await lb?.close();
});

function channel(name: string): TextChannel {
  return client.channels.cache.get(lb.world.channels[name]!.id) as TextChannel;
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError)) throw error;
  return error;
}

describe('loopback REST', () => {
  it('GIVEN the study channel WHEN the bot sends a message THEN it is stored and pings only the allowed role', async () => {
    const readers = lb.world.role(lb.world.defaultGuild.id, 'Readers')!;
    const member = lb.world.users['member']!;
    const rendered: string[] = [];
    lb.on('message', (message: { content: string }) => rendered.push(message.content));
    await channel('study').send({
      content: `Today's quote for <@&${readers.id}>, asked by <@${member.id}> @everyone`,
      allowedMentions: { roles: [readers.id] },
    });
    await channel('study').send({ content: `No pings here <@${member.id}> @everyone` });

    const [daily, plain] = lb.world.messages('study').slice(-2);
    expect(daily?.pings).toEqual({ everyone: false, roles: [readers.id], users: [] });
    expect(plain?.pings).toEqual({ everyone: false, roles: [], users: [] });
    expect(plain?.allowedMentions).toEqual({ parse: [] });
    expect(rendered).toEqual([daily?.content, plain?.content]);
  });

  it('GIVEN a channel the bot may not send in WHEN it sends THEN Discord answers 50013, and 50001 where it cannot see', async () => {
    const locked = await apiError(channel('locked').send('hello'));
    expect([locked.status, locked.code]).toEqual([403, 50013]);
    const hidden = await apiError(client.rest.post(Routes.channelMessages(lb.world.channels['hidden']!.id), { body: { content: 'hi' } }));
    expect([hidden.status, hidden.code]).toEqual([403, 50001]);
    const unknown = await apiError(client.rest.post(Routes.channelMessages('1'), { body: { content: 'hi' } }));
    expect(unknown.code).toBe(10003);
  });

  it('GIVEN embeds over 6000 characters WHEN the bot sends them THEN 50035 comes back and a violation is recorded', async () => {
    const before = lb.violations.length;
    const embeds = [1, 2].map((n) => ({ title: `Part ${n}`, description: 'x'.repeat(3500) }));
    const error = await apiError(channel('study').send({ embeds }));
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
    expect(lb.violations.slice(before).flatMap((v) => v.issues.map((i) => i.path))).toEqual(['embeds']);
  });

  it('GIVEN a 429 injected on sending WHEN the bot sends THEN @discordjs/rest waits it out and the message is stored', async () => {
    const study = lb.world.channels['study']!;
    lb.faults.inject({ method: 'POST', route: '/channels/:id/messages', status: 429, retryAfter: 0.2 });
    const started = Date.now();
    await channel('study').send('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(lb.faults.hits).toHaveLength(1);
    expect(lb.requests.filter((r) => r.path === `/channels/${study.id}/messages`).slice(-2).map((r) => r.status)).toEqual([429, 200]);
    expect(lb.world.messages(study.id).at(-1)?.content).toBe('after the rate limit');
  });

  it('GIVEN a message WHEN the bot starts a thread on it THEN the thread exists with the message id, and a bad name is refused', async () => {
    const message = await channel('study').send('Discuss paragraph 9');
    const thread = await message.startThread({ name: 'Is the claim supported?' });
    expect(thread.id).toBe(message.id);
    expect(lb.world.threads('study').map((t) => t.name)).toContain('Is the claim supported?');
    await thread.send('First thought');
    expect(lb.world.messages(thread.id).map((m) => m.content)).toEqual(['First thought']);

    const other = await channel('study').send('Another');
    const error = await apiError(other.startThread({ name: 'n'.repeat(101) }));
    expect(error.code).toBe(50035);
  });

  it('GIVEN @discordjs/rest WHEN commands are put to a guild THEN they are stored, and an invalid one is refused with 50035', async () => {
    const rest = new REST({ api: lb.apiUrl }).setToken(lb.token);
    const guildId = lb.world.defaultGuild.id;
    const command = new SlashCommandBuilder()
      .setName('articles')
      .setDescription('List the articles')
      .addStringOption((o) => o.setName('kind').setDescription('Kind').setRequired(true));
    await rest.put(Routes.applicationGuildCommands(lb.applicationId, guildId), { body: [command.toJSON()] });
    expect(lb.commands(guildId).map((c) => c.name)).toEqual(['articles']);

    const invalid = [{ name: 'Articles', description: 'Upper case is not allowed', type: 1 }];
    const error = await apiError(rest.put(Routes.applicationGuildCommands(lb.applicationId, guildId), { body: invalid }));
    expect(error.code).toBe(50035);
    expect(lb.commands(guildId).map((c) => c.name)).toEqual(['articles']);
  });

  it('GIVEN a route Discord does not have WHEN it is called THEN 404 is answered and logged as unknown; no token gets 401', async () => {
    const error = await apiError(client.rest.get('/no/such/route'));
    expect([error.status, error.code]).toEqual([404, 0]);
    expect(lb.requests.filter((r) => r.route === null).map((r) => r.path)).toEqual(['/no/such/route']);

    const anonymous = new REST({ api: lb.apiUrl });
    const unauthorized = await apiError(anonymous.get(Routes.user('@me'), { auth: false }));
    expect(unauthorized.status).toBe(401);
  });
});
