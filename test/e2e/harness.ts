import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { expect } from 'vitest';
import { startLoopback, type Loopback, type MessageRecord } from '@marginalia/loopback';
import { deployToLoopback, startBotProcess, type BotProcess, type BotProcessOptions } from '../../tools/bot-process.js';

export interface Session {
  lb: Loopback;
  bot: BotProcess;
  storeUrl: string;
  /** Stops the bot and starts a new process on the same store. */
  /** Every message seen so far, in its latest state. */
  messages: Map<string, MessageRecord>;
  restart(options?: Partial<BotProcessOptions>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback Discord, the commands deployed to its guild by the real deploy script,
 * and the bot started through its real entry point on a store in a temporary folder.
 */
export async function startSession(
  options: { loopback?: Parameters<typeof startLoopback>[0]; bot?: Partial<BotProcessOptions>; deploy?: 'guild' | 'global' } = {},
): Promise<Session> {
  const lb = await startLoopback(options.loopback);
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-e2e-'));
  const storeUrl = `sqlite://${path.join(dir, 'store.sqlite')}`;
  const messages = new Map<string, MessageRecord>();
  lb.on('message', (message: MessageRecord) => messages.set(message.id, message));
  await deployToLoopback(lb, options.deploy === 'global' ? {} : { guildId: lb.world.defaultGuild.id });
  const session: Session = {
    lb,
    storeUrl,
    messages,
    bot: await startBotProcess(lb, { storeUrl, ...options.bot }),
    async restart(restartOptions = {}) {
      await session.bot.stop();
      session.bot = await startBotProcess(lb, { storeUrl, ...options.bot, ...restartOptions });
    },
    async close() {
      await session.bot.stop();
      await lb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}

type Json = Record<string, unknown>;

/** The text of a message: content, embed titles, descriptions, fields and footers. */
export function textOf(message: MessageRecord): string {
  const embeds = (message.embeds ?? []) as Json[];
  return [
    message.content ?? '',
    ...embeds.flatMap((embed) => [
      embed.title,
      embed.description,
      ...((embed.fields as Json[] | undefined) ?? []).flatMap((field) => [field.name, field.value]),
      (embed.footer as Json | undefined)?.text,
    ]),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Every component of a message, flattened out of its action rows. */
export function componentsOf(message: MessageRecord): Array<{ type: number; custom_id?: string; label?: string; disabled?: boolean; options?: Array<{ value: string }> }> {
  return ((message.components ?? []) as Array<{ components?: unknown[] }>).flatMap((row) => (row.components ?? []) as never[]);
}

export function customIdOf(message: MessageRecord, match: RegExp): string {
  const component = componentsOf(message).find((c) => c.custom_id && match.test(c.custom_id));
  if (!component?.custom_id) throw new Error(`no component matching ${match} on the message: ${JSON.stringify(message.components)}`);
  return component.custom_id;
}

/**
 * Nothing the bot sent broke Discord's limits or hit an unknown route, and no message
 * it sent would ping anyone except the roles allowed (the daily post's chosen role).
 */
export function expectCleanRun(session: Session, allowedRoles: string[] = []): void {
  expect(session.lb.violations).toEqual([]);
  expect(session.lb.requests.filter((request) => request.route === null).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  for (const message of session.messages.values()) {
    if (message.authorId !== session.lb.world.bot.id) continue;
    expect(message.pings.everyone, textOf(message)).toBe(false);
    expect(message.pings.users, textOf(message)).toEqual([]);
    expect(message.pings.roles.filter((role) => !allowedRoles.includes(role)), textOf(message)).toEqual([]);
  }
}

/** A server of its own in the loopback world: a `reading` channel, an admin and a plain member. */
export interface TestServer {
  guildId: string;
  channelId: string;
  admin: string;
  member: string;
}

/** Adds a server with the bot; resolves once the bot answers there (the gateway keeps order, and /help reads no store). */
export async function newServer(session: Session, name: string): Promise<TestServer> {
  const { world } = session.lb;
  const guild = world.addGuild(name);
  const channel = world.addChannel(guild.id, 'reading');
  const admin = world.addMember(guild.id, { name: `${name}-admin`, permissions: PermissionFlagsBits.Administrator });
  const member = world.addMember(guild.id, { name: `${name}-member` });
  await (await session.lb.driver.slash({ user: admin.id, channel: channel.id, name: 'help' })).reply();
  return { guildId: guild.id, channelId: channel.id, admin: admin.id, member: member.id };
}

