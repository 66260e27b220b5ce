// Application commands, global and per guild: what the bot registers is what the driver types options by.
import { ApplicationCommandType, RESTJSONErrorCodes as Codes } from 'discord-api-types/v10';
import { ApiError, unknown } from './http.js';
import { checkCommand, checkCommandList } from './command-limits.js';
import { renderCommand } from './render.js';
import { botGuild } from './rest-guilds.js';
import { bodyObject, enforce, route, type Route, type RouteContext } from './router.js';
import { snowflake } from './snowflake.js';
import type { CommandOption, CommandRecord } from './types.js';

const KNOWN = new Set(['id', 'application_id', 'guild_id', 'version', 'type', 'name', 'description', 'options', 'default_member_permissions']);

/**
 * As on Discord, the application is checked before the guild: an id that is no application
 * at all (a guild's, a person's) is 404 10002; another bot's application (a bot's user id is
 * its application id) is 403 20012.
 */
function scopeOf(ctx: RouteContext): { scope: string; guildId: string | null } {
  const { world } = ctx.state;
  const app = ctx.params['app'] ?? '';
  if (app !== world.application.id) {
    if (!world.usersById.get(app)?.bot) throw new ApiError(404, Codes.UnknownApplication, 'Unknown Application');
    throw new ApiError(403, Codes.NotAuthorizedToPerformThisActionOnThisApplication, 'You are not authorized to perform this action on this application');
  }
  const guildId = ctx.params['guild'] ?? null;
  if (guildId) botGuild(ctx, guildId);
  return { scope: guildId ?? 'global', guildId };
}

/** A stored command; an existing one of the same name and type keeps its id, as on Discord. */
function toRecord(ctx: RouteContext, body: Record<string, unknown>, guildId: string | null, existing?: CommandRecord): CommandRecord {
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN.has(key)));
  const permissions = body['default_member_permissions'];
  return {
    id: existing?.id ?? snowflake(),
    applicationId: ctx.state.world.application.id,
    guildId,
    type: Number(body['type'] ?? ApplicationCommandType.ChatInput),
    name: String(body['name']),
    description: typeof body['description'] === 'string' ? body['description'] : '',
    options: (body['options'] as CommandOption[] | undefined) ?? [],
    defaultMemberPermissions: typeof permissions === 'string' ? permissions : null,
    version: snowflake(),
    extra: { contexts: null, integration_types: [0], nsfw: false, dm_permission: true, ...extra },
  };
}

function sameCommand(a: { type?: unknown; name?: unknown }, b: CommandRecord): boolean {
  return b.name === a.name && b.type === Number(a.type ?? ApplicationCommandType.ChatInput);
}

function findCommand(ctx: RouteContext, scope: string): CommandRecord {
  const command = ctx.state.world.commandsByScope.get(scope)?.find((c) => c.id === ctx.params['command']);
  if (!command) throw unknown.command();
  return command;
}

function list(ctx: RouteContext) {
  const { scope } = scopeOf(ctx);
  return { body: (ctx.state.world.commandsByScope.get(scope) ?? []).map(renderCommand) };
}

function overwrite(ctx: RouteContext) {
  const { scope, guildId } = scopeOf(ctx);
  enforce(ctx, checkCommandList(ctx.body));
  const previous = ctx.state.world.commandsByScope.get(scope) ?? [];
  const commands = (ctx.body as Array<Record<string, unknown>>).map((body) =>
    toRecord(ctx, body, guildId, previous.find((c) => sameCommand(body, c))),
  );
  ctx.state.world.commandsByScope.set(scope, commands);
  ctx.state.world.changed();
  return { body: commands.map(renderCommand) };
}

function create(ctx: RouteContext) {
  const { scope, guildId } = scopeOf(ctx);
  const body = bodyObject(ctx);
  enforce(ctx, checkCommand(body));
  const commands = ctx.state.world.commandsByScope.get(scope) ?? [];
  const existing = commands.find((c) => sameCommand(body, c));
  const command = toRecord(ctx, body, guildId, existing);
  const rest = commands.filter((c) => c !== existing);
  enforce(ctx, checkCommandList([...rest.map(renderCommand), body]));
  ctx.state.world.commandsByScope.set(scope, [...rest, command]);
  ctx.state.world.changed();
  return { status: existing ? 200 : 201, body: renderCommand(command) };
}

function edit(ctx: RouteContext) {
  const { scope, guildId } = scopeOf(ctx);
  const command = findCommand(ctx, scope);
  const body = { ...renderCommand(command), ...bodyObject(ctx) };
  enforce(ctx, checkCommand(body));
  const updated = toRecord(ctx, body, guildId, command);
  const commands = ctx.state.world.commandsByScope.get(scope) ?? [];
  ctx.state.world.commandsByScope.set(scope, commands.map((c) => (c === command ? updated : c)));
  ctx.state.world.changed();
  return { body: renderCommand(updated) };
}

function remove(ctx: RouteContext) {
  const { scope } = scopeOf(ctx);
  const command = findCommand(ctx, scope);
  const commands = ctx.state.world.commandsByScope.get(scope) ?? [];
  ctx.state.world.commandsByScope.set(scope, commands.filter((c) => c !== command));
  ctx.state.world.changed();
  return { status: 204 };
}

export const commandRoutes: Route[] = ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands'].flatMap(
  (base) => [
    route('GET', base, list),
    route('PUT', base, overwrite),
    route('POST', base, create),
    route('GET', `${base}/:command`, (ctx) => ({ body: renderCommand(findCommand(ctx, scopeOf(ctx).scope)) })),
    route('PATCH', `${base}/:command`, edit),
    route('DELETE', `${base}/:command`, remove),
  ],
);
