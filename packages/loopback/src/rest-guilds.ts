// Gateway discovery, the bot's user and application, guilds, members, roles and channels.
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { missingAccess, missingPermissions, unknown } from './http.js';
import { has } from './permissions.js';
import { renderChannel, renderGuild, renderMember, renderRole, renderUser } from './render.js';
import { bodyObject, enforce, route, type Route, type RouteContext } from './router.js';
import type { ChannelRecord, GuildRecord } from './types.js';

/** A guild the bot is in; Discord answers 50001 for guilds the bot cannot see. */
export function botGuild(ctx: RouteContext, id: string | undefined): GuildRecord {
  const guild = id ? ctx.state.world.guild(id) : undefined;
  if (!guild) throw unknown.guild();
  if (!guild.members.has(ctx.state.world.bot.id)) throw missingAccess();
  return guild;
}

/** A channel the bot can see, with the bot's permissions in it. */
export function visibleChannel(ctx: RouteContext, id: string | undefined): { channel: ChannelRecord; permissions: bigint } {
  const { world } = ctx.state;
  const channel = id ? world.channelsById.get(id) : undefined;
  if (!channel) throw unknown.channel();
  botGuild(ctx, channel.guildId);
  const permissions = world.permissionsIn(channel.id, world.bot.id);
  if (!has(permissions, P.ViewChannel)) throw missingAccess();
  return { channel, permissions };
}

function application(ctx: RouteContext) {
  const { world } = ctx.state;
  return {
    id: world.application.id,
    name: world.application.name,
    icon: null,
    description: 'Marginalia on loopback',
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: world.application.flags,
    owner: renderUser(world.users['owner'] ?? world.bot),
    team: null,
    bot: renderUser(world.bot),
    approximate_guild_count: world.botGuilds().length,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
  };
}

function gatewayBot(ctx: RouteContext) {
  const shards = Math.max(1, Math.ceil(ctx.state.world.botGuilds().length / 1000));
  return {
    url: ctx.state.gatewayUrl(),
    shards,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  };
}

export const guildRoutes: Route[] = [
  route('GET', '/gateway', (ctx) => ({ body: { url: ctx.state.gatewayUrl() } }), 'path'),
  route('GET', '/gateway/bot', (ctx) => ({ body: gatewayBot(ctx) })),
  route('GET', '/users/@me', (ctx) => ({ body: { ...renderUser(ctx.state.world.bot), verified: true, mfa_enabled: false } })),
  route('GET', '/applications/@me', (ctx) => ({ body: application(ctx) })),
  route('GET', '/oauth2/applications/@me', (ctx) => ({ body: application(ctx) })),
  route('GET', '/users/@me/guilds', (ctx) => ({
    body: ctx.state.world.botGuilds().map((g) => ({ id: g.id, name: g.name, icon: null, owner: false, permissions: '0', features: [] })),
  })),
  route('GET', '/guilds/:guild', (ctx) => ({ body: renderGuild(botGuild(ctx, ctx.params['guild'])) })),
  route('GET', '/guilds/:guild/channels', (ctx) => {
    const guild = botGuild(ctx, ctx.params['guild']);
    const channels = [...ctx.state.world.channelsById.values()].filter((c) => c.guildId === guild.id && !c.thread);
    return { body: channels.map((c) => renderChannel(ctx.state.world, c)) };
  }),
  route('GET', '/guilds/:guild/roles', (ctx) => ({ body: botGuild(ctx, ctx.params['guild']).roles.map(renderRole) })),
  route('GET', '/guilds/:guild/members/:user', (ctx) => {
    const guild = botGuild(ctx, ctx.params['guild']);
    const id = ctx.params['user'] === '@me' ? ctx.state.world.bot.id : (ctx.params['user'] ?? '');
    const member = guild.members.get(id);
    if (!member) throw unknown.member();
    return { body: renderMember(ctx.state.world, member) };
  }),
  route('GET', '/channels/:channel', (ctx) => ({
    body: renderChannel(ctx.state.world, visibleChannel(ctx, ctx.params['channel']).channel),
  })),
  route('PATCH', '/channels/:channel', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    const isOwnThread = channel.thread?.ownerId === ctx.state.world.bot.id;
    if (!has(permissions, channel.thread ? P.ManageThreads : P.ManageChannels) && !isOwnThread) throw missingPermissions();
    const body = bodyObject(ctx);
    if (typeof body['name'] === 'string') {
      if (body['name'].length < 1 || body['name'].length > 100) {
        enforce(ctx, [{ path: 'name', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }]);
      }
      channel.name = body['name'];
    }
    if ('topic' in body && !channel.thread) channel.topic = typeof body['topic'] === 'string' ? body['topic'] : null;
    if (channel.thread) {
      if (typeof body['archived'] === 'boolean') channel.thread.archived = body['archived'];
      if (typeof body['locked'] === 'boolean') channel.thread.locked = body['locked'];
    }
    ctx.state.world.updateChannel(channel);
    return { body: renderChannel(ctx.state.world, channel) };
  }),
  route('DELETE', '/channels/:channel', (ctx) => {
    const { channel, permissions } = visibleChannel(ctx, ctx.params['channel']);
    if (!has(permissions, channel.thread ? P.ManageThreads : P.ManageChannels)) throw missingPermissions();
    const rendered = renderChannel(ctx.state.world, channel);
    ctx.state.world.deleteChannel(channel.id);
    return { body: rendered };
  }),
];
