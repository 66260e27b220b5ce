import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout's rules (README, "Layout"), checked over the import graph of src/ so they
 * hold as the code grows.
 */
const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Import and export-from specifiers of a file, dynamic imports included. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) found.push(match[1]!);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!);
  return found;
}

interface Module {
  file: string;
  /** Path relative to src/, with forward slashes. */
  name: string;
  text: string;
  packages: string[];
  /** Other modules of src/ it imports, by name. */
  local: string[];
}

const modules: Module[] = sourceFiles(SRC).map((file) => {
  const text = readFileSync(file, 'utf8');
  const specs = specifiers(text);
  const local = specs
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(SRC, path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))).split(path.sep).join('/'));
  return { file, name: path.relative(SRC, file).split(path.sep).join('/'), text, packages: specs.filter((spec) => !spec.startsWith('.')), local };
});
const byName = new Map(modules.map((module) => [module.name, module]));

describe('architecture', () => {
  it('GIVEN the import graph THEN every relative import names a file of src/', () => {
    const broken = modules.flatMap((module) => module.local.filter((name) => !byName.has(name)).map((name) => `${module.name} → ${name}`));
    expect(broken).toEqual([]);
  });

  it('GIVEN a feature folder THEN only its views.ts and ids.ts import discord.js', () => {
    const offenders = modules
      .filter((module) => module.name.startsWith('features/') && !/\/(views|ids)\.ts$/.test(module.name))
      .filter((module) => module.packages.some((spec) => spec === 'discord.js' || spec.startsWith('@discordjs/')))
      .map((module) => module.name);
    expect(offenders).toEqual([]);
  });

  it('GIVEN src/lib, src/library, src/search and the features THEN none imports src/commands, src/events or the handlers’ context', () => {
    const lower = modules.filter((module) => /^(lib|library|search|features)\//.test(module.name));
    const offenders = lower.flatMap((module) =>
      module.local.filter((name) => name.startsWith('commands/') || name.startsWith('events/') || name === 'context.ts').map((name) => `${module.name} → ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('GIVEN the whole source THEN only lib/config.ts reads process.env', () => {
    const readers = modules.filter((module) => /\bprocess\.env\b/.test(module.text)).map((module) => module.name);
    expect(readers).toEqual(['lib/config.ts']);
  });

  it('GIVEN the import graph THEN it has no cycles', () => {
    // Tarjan's strongly connected components: any component of more than one module is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let counter = 0;
    const visit = (name: string): void => {
      index.set(name, counter);
      low.set(name, counter);
      counter += 1;
      stack.push(name);
      onStack.add(name);
      for (const next of byName.get(name)?.local ?? []) {
        if (!byName.has(next)) continue;
        if (!index.has(next)) {
          visit(next);
          low.set(name, Math.min(low.get(name)!, low.get(next)!));
        } else if (onStack.has(next)) {
          low.set(name, Math.min(low.get(name)!, index.get(next)!));
        }
      }
      if (low.get(name) === index.get(name)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== name);
        if (component.length > 1 || byName.get(name)!.local.includes(name)) cycles.push(component.sort());
      }
    };
    for (const module of modules) if (!index.has(module.name)) visit(module.name);
    expect(cycles).toEqual([]);
  });
});
