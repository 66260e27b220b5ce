import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits, Routes, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback, type MessageRecord } from '@marginalia/loopback';
import daily from '../../src/commands/daily.js';
import quote from '../../src/commands/quote.js';
import type { BotContext } from '../../src/context.js';
import { discordPoster } from '../../src/discord/daily-poster.js';
import { createCooldownService } from '../../src/features/cooldowns/service.js';
import { cooldownRefusal } from '../../src/features/cooldowns/views.js';
import { createDailyService, PostRefused, type DailyPoster, type DailyService } from '../../src/features/daily/service.js';
import { createRotationStore } from '../../src/features/daily/store.js';
import { createQuoteService } from '../../src/features/quote/service.js';
import { createLogger } from '../../src/lib/logger.js';
import { replyWithError } from '../../src/discord/reply-error.js';
import { createSettingsService } from '../../src/features/settings/service.js';
import { openStore, type Store } from '../../src/lib/store.js';
import { connectClient } from '@marginalia/loopback/client';
import { manualTicker, testLibrary } from '../features/daily/fixtures.js';
import { createHistoryService } from '../../src/features/history/service.js';

// The Discord-facing half of the daily post with the real discord.js client on the
// loopback Discord: /daily and /quote as members use them, and the post as it lands.

const logger = createLogger('silent');
const SET_AT = Date.parse('2025-01-13T01:00:00Z'); // a Monday
const DUE = Date.parse('2025-01-13T04:00:00Z'); // 09:00 in Asia/Almaty
const clock = { now: SET_AT };
const beat = manualTicker(clock);

let lb: Loopback;
let client: Client<true>;
let store: Store;
let service: DailyService;
let poster: DailyPoster;
let dir: string;

beforeAll(async () => {
  lb = await startLoopback();
  client = await connectClient(lb);
  dir = mkdtempSync(path.join(tmpdir(), 'daily-discord-'));
  store = openStore(`sqlite://${path.join(dir, 'store.sqlite')}`);
  const library = await testLibrary();
  const settings = createSettingsService({ store, logger });
  poster = discordPoster(client);
  const history = createHistoryService({ store, logger, settings, now: () => clock.now });
  service = createDailyService({ poster, store, settings, library, history, logger, now: () => clock.now, ticker: beat.ticker });
  await service.start();
  // Only what these two commands use; the dispatcher's error replies are the real ones.
  const cooldowns = createCooldownService({ settings, refusal: cooldownRefusal });
  const ctx = { client, logger, settings, store, library, daily: service, quote: createQuoteService({ library, settings, rotations: createRotationStore(store, logger) }), cooldowns } as unknown as BotContext;
  client.on('interactionCreate', async (interaction) => {
    try {
      const command = [daily, quote].find((candidate) => 'commandName' in interaction && candidate.data.name === interaction.commandName);
      if (interaction.isAutocomplete()) await command?.autocomplete(interaction, ctx);
      else if (interaction.isChatInputCommand()) await command?.execute(interaction, ctx);
    } catch (error) {
      await replyWithError(interaction, error, logger);
    }
  });
  await client.rest.put(Routes.applicationGuildCommands(lb.applicationId, lb.world.defaultGuild.id), {
    body: [daily.data.toJSON(), quote.data.toJSON()],
  });
});

afterAll(async () => {
  await service?.stop();
  await client?.destroy();
  await lb?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const guildId = () => lb.world.defaultGuild.id;
const channelId = (name: string) => lb.world.channels[name]!.id;
const readers = () => lb.world.role(guildId(), 'Readers')!;
const embedText = (message: MessageRecord) => JSON.stringify(message.embeds);

async function slash(user: string, subcommand: string, options: Record<string, string | boolean> = {}): Promise<MessageRecord> {
  const run = await lb.driver.slash({ user, name: 'daily', subcommand, options });
  return run.reply();
}

describe('/daily on the loopback Discord', () => {
  it('GIVEN a plain member THEN /daily set is refused naming Manage Server, and status is allowed', async () => {
    const refused = await slash('member', 'set', { channel: 'study', time: '09:00' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/You need the \*\*Manage Server\*\* permission to use `\/daily set`/);
    const status = await slash('member', 'status');
    expect(status.content).toMatch(/No daily post is set up/);
    expect(daily.data.toJSON().default_member_permissions).toBeUndefined();
  });

  it('GIVEN a channel where the bot cannot send or see THEN /daily set names the missing permission', async () => {
    expect((await slash('admin', 'set', { channel: 'locked', time: '09:00' })).content).toMatch(/missing the \*\*Send Messages\*\* permission in <#\d+>/);
    expect((await slash('admin', 'set', { channel: 'hidden', time: '09:00' })).content).toMatch(/\*\*View Channel\*\*/);
  });

  it('GIVEN a bad time, timezone or days THEN one clear sentence each', async () => {
    expect((await slash('admin', 'set', { channel: 'study', time: '9am' })).content).toMatch(/^`9am` is not a time/);
    expect((await slash('admin', 'set', { channel: 'study', time: '09:00', timezone: 'Mars/Base' })).content).toMatch(/^`Mars\/Base` is not a timezone/);
    expect((await slash('admin', 'set', { channel: 'study', time: '09:00', days: 'funday' })).content).toMatch(/^`funday` is not a list of days/);
  });

  it('GIVEN a timezone being typed THEN autocomplete offers IANA names', async () => {
    const choices = await lb.driver.autocomplete({ user: 'admin', name: 'daily', subcommand: 'set', options: { timezone: 'alma' }, focused: 'timezone' });
    expect(choices.map((choice) => choice.value)).toEqual(['Asia/Almaty']);
  });

  it('GIVEN /daily set by an admin THEN the next post in the server timezone and as Discord timestamps', async () => {
    const reply = await slash('admin', 'set', { channel: 'study', time: '09:00', timezone: 'Asia/Almaty', days: 'weekdays', thread: true, role: 'Readers' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(`The daily post is set. **Next post:** Monday 13 January 2025, 09:00 (Asia/Almaty), that is <t:${DUE / 1000}:f> your time (<t:${DUE / 1000}:R>).`);
    expect(reply.pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('GIVEN the posting minute THEN the post lands with quote, prompt, passage button, the role ping only and a thread', async () => {
    clock.now = DUE;
    await beat.fire();
    const [post] = lb.world.messages(channelId('study'));
    expect(post).toBeDefined();
    expect(post!.content).toBe(`<@&${readers().id}>`);
    expect(post!.pings).toEqual({ everyone: false, roles: [readers().id], users: [] });
    expect(embedText(post!)).toMatch(/Quote of the day/);
    expect(embedText(post!)).toMatch(/\?"/);
    expect(JSON.stringify(post!.components)).toMatch(/"custom_id":"passage:show:[a-z-]+:\d+"/);
    const [thread] = lb.world.threads(channelId('study'));
    expect(thread?.name.length).toBeGreaterThan(0);
    expect(thread!.name.length).toBeLessThanOrEqual(100);
    expect(lb.violations).toEqual([]);
  });

  it("GIVEN today's post is up THEN /daily now says so, and status links it", async () => {
    expect((await slash('admin', 'now')).content).toMatch(/Today's post \(2025-01-13\) is \[already up\]\(https:\/\/discord\.com\/channels\//);
    const status = await slash('member', 'status');
    const [post] = lb.world.messages(channelId('study'));
    expect(embedText(status)).toContain(`/${channelId('study')}/${post!.id}`);
  });

  it('GIVEN /daily preview THEN the next post privately, pinging nobody', async () => {
    const preview = await slash('member', 'preview');
    expect(preview.ephemeral).toBe(true);
    expect(preview.pings).toEqual({ everyone: false, roles: [], users: [] });
    expect(embedText(preview)).toMatch(/Quote of the day/);
  });

  it('GIVEN /quote THEN a private quote and prompt in the same format, public when asked', async () => {
    const run = await lb.driver.slash({ user: 'member', name: 'quote', options: { article: 'why-putin-interferes' } });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expect(embedText(reply)).toMatch(/why-putin-interferes:\d+/);
    const shown = await (await lb.driver.slash({ user: 'member', name: 'quote', options: { public: true } })).reply();
    expect(shown.ephemeral).toBe(false);
    expect(shown.pings).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('GIVEN the post THEN it was sent with a nonce Discord enforces, the same for a repeat of that date', async () => {
    const sends = lb.requests.filter((request) => request.method === 'POST' && request.path === `/channels/${channelId('study')}/messages`);
    expect(sends).toHaveLength(1);
    const body = sends[0]!.body as { nonce?: string; enforce_nonce?: boolean };
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce).toMatch(/^[\w-]{25}$/);
  });

  it("GIVEN a stopped try THEN the bot's own post of that date is found in the channel, another date's is not, and a thread can be started on it", async () => {
    const [post] = lb.world.messages(channelId('study'));
    const since = new Date(Date.now() - 60_000);
    expect(await poster.findPost(channelId('study'), '2025-01-13', since)).toEqual({ messageId: post!.id, hasThread: true });
    expect(await poster.findPost(channelId('study'), '2025-01-14', since)).toBeUndefined();
    // Messages made before the try began are not looked at.
    expect(await poster.findPost(channelId('study'), '2025-01-13', new Date(Date.now() + 5 * 60_000))).toBeUndefined();

    const general = channelId('general');
    const { card } = await service.preview(guildId());
    const sent = await poster.send(general, { card, date: '2025-01-20', thread: false });
    expect(await poster.findPost(general, '2025-01-20', since)).toEqual({ messageId: sent.messageId, hasThread: false });
    expect(await poster.startThread(general, sent.messageId, { card, date: '2025-01-20', thread: true })).toBeUndefined();
    expect(lb.world.threads(general)).toHaveLength(1);
    await expect.poll(() => poster.findPost(general, '2025-01-20', since)).toEqual({ messageId: sent.messageId, hasThread: true });
  });

  it('GIVEN a channel whose history the bot cannot read THEN looking for a post there is refused, naming the permission', async () => {
    const botRole = lb.world.botRole(guildId())!;
    const noHistory = lb.world.addChannel(guildId(), 'no-history', [{ id: botRole.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }]);
    await expect.poll(() => client.channels.cache.has(noHistory.id)).toBe(true);
    await expect(poster.findPost(noHistory.id, '2025-01-13', new Date())).rejects.toThrow(PostRefused);
    await expect(poster.findPost(noHistory.id, '2025-01-13', new Date())).rejects.toThrow(/\*\*Read Message History\*\*/);
  });

  it('GIVEN Discord answering 403 to the thread THEN the post is up and recorded, and the schedule pauses with the reason', async () => {
    const general = channelId('general');
    await slash('admin', 'set', { channel: 'general', time: '09:00', timezone: 'Asia/Almaty', thread: true });
    lb.faults.inject({ method: 'POST', route: new RegExp(`^/channels/${general}/messages/\\d+/threads$`), status: 403 });
    const before = lb.world.messages(general).length;
    // Another day: the 13th has its post already.
    const today = clock.now;
    clock.now = DUE + 10 * 24 * 60 * 60_000;
    const reply = await slash('admin', 'now');
    clock.now = today;
    expect(reply.content).toMatch(/Today's post \(2025-01-23\) is up: .*\nI could not start its thread: Discord refused the thread in <#\d+>: Missing Permissions\.\nThe daily post is paused/);
    expect(lb.world.messages(general)).toHaveLength(before + 1);
    expect(embedText(await slash('member', 'status'))).toMatch(/Paused.*refused the thread/);
    // Back to the study channel for the tests below.
    await slash('admin', 'set', { channel: 'study', time: '09:00', timezone: 'Asia/Almaty', days: 'weekdays', thread: true, role: 'Readers' });
  });

  it('GIVEN the bot loses Send Messages THEN the next post pauses the schedule and status says why', async () => {
    const botRole = lb.world.botRole(guildId())!;
    lb.world.setChannelOverwrites(channelId('study'), [{ id: botRole.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the CHANNEL_UPDATE reaches the client
    clock.now = DUE + 24 * 60 * 60_000;
    await beat.fire();
    expect(lb.world.messages(channelId('study'))).toHaveLength(1);
    const status = await slash('member', 'status');
    expect(embedText(status)).toMatch(/Paused.*Send Messages/);
    expect(lb.violations).toEqual([]);
  });

  it('GIVEN the channel deleted THEN /daily set again elsewhere resumes, and a deleted channel pauses it', async () => {
    await slash('admin', 'set', { channel: 'general', time: '09:00', timezone: 'Asia/Almaty', thread: false });
    lb.world.deleteChannel(channelId('general'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    clock.now = DUE + 2 * 24 * 60 * 60_000;
    await beat.fire();
    expect(embedText(await slash('member', 'status'))).toMatch(/Paused.*was deleted/);
  });
});
