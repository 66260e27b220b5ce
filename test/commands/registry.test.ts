import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApplicationCommandType, InteractionContextType } from 'discord.js';
import { commandDefinitions, commands } from '../../src/commands/index.js';
import { events } from '../../src/events/index.js';
import { HELP } from '../../src/features/help/entries.js';
import { checkCommand } from '@marginalia/loopback';

const filesOf = (dir: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !['index.ts', 'types.ts'].includes(file))
    .sort();

describe('the command registry', () => {
  it('GIVEN the files of src/commands THEN each one is in the registry exactly once', async () => {
    const registered = new Set(commands);
    const files = filesOf('src/commands');
    for (const file of files) {
      const module = (await import(`../../src/commands/${file}`)) as { default: unknown };
      expect(registered.has(module.default as never), `${file} is not in src/commands/index.ts`).toBe(true);
    }
    expect(commands).toHaveLength(files.length);
  });

  it('GIVEN the definitions THEN names are unique, all are guild-only and each passes Discord\'s checks', () => {
    const definitions = commandDefinitions();
    expect(new Set(definitions.map((d) => d.name)).size).toBe(definitions.length);
    for (const definition of definitions) {
      expect(definition.contexts, definition.name).toEqual([InteractionContextType.Guild]);
      expect(checkCommand(definition), definition.name).toEqual([]);
    }
  });

  it('GIVEN /settings THEN everyone sees it: the bot itself refuses set and reset without Manage Server', () => {
    const settings = commandDefinitions().find((d) => d.name === 'settings')!;
    expect(settings.default_member_permissions ?? null).toBeNull();
  });

  it('GIVEN /help THEN every command is explained', () => {
    const usages = HELP.map((entry) => entry.usage).join(' ');
    for (const definition of commandDefinitions()) {
      const name = definition.type === ApplicationCommandType.Message ? definition.name : `/${definition.name}`;
      expect(usages, name).toContain(name);
    }
  });
});

describe('the event registry', () => {
  it('GIVEN the files of src/events THEN each one is registered once, with a distinct event name', async () => {
    const files = filesOf('src/events');
    const registered = new Set(events);
    for (const file of files) {
      const module = (await import(`../../src/events/${file}`)) as { default: unknown };
      expect(registered.has(module.default as never), `${file} is not in src/events/index.ts`).toBe(true);
    }
    expect(events).toHaveLength(files.length);
    expect(new Set(events.map((event) => event.name)).size).toBe(events.length);
  });
});
