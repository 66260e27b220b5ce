import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandOption, CommandRecord } from '@marginalia/loopback';
import { InputError, parseLine, parseSlash } from '../../tools/sandbox/parse.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the sandbox with `lines` on a pipe, as a script would, in a temporary folder of its own. */
async function runSandbox(lines: string[]): Promise<{ code: number | null; output: string; leftovers: string[] }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'marginalia-sandbox-test-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/sandbox/index.ts'], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(lines.join('\n') + '\n');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output, leftovers: readdirSync(tmp).filter((name) => name.startsWith('marginalia-sandbox-')) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('npm run sandbox with piped input', () => {
  it('GIVEN a script of commands THEN it prints every reply readably, with numbered buttons and clear lines for mistakes, and exits 0', async () => {
    const { code, output, leftovers } = await runSandbox([
      '/articles',
      '/passage search query:CSTO',
      'select 2',
      '/passage show ref:former-kazakhstan:2',
      'click 2',
      '/passage show ref:former-kazakhstan:99',
      '/nope',
      '/passage search query:CSTO colour:blue',
      'click 9',
      'help',
    ]);
    expect(code, output).toBe(0);
    // Each command is echoed, then its reply under a numbered header that says who sees it.
    expect(output).toContain('> /articles');
    expect(output).toMatch(/── #1 · Marginalia → admin, \/articles · private \(only admin sees it\)/);
    expect(output).toContain('The former Kazakhstan ceased to exist yesterday');
    expect(output).toContain('Why is Putin interfering in Kazakhstan’s affairs?');
    // Search: the matches, and the select menu with numbered options; `select 2` opens the second.
    expect(output).toContain('former-kazakhstan:9');
    expect(output).toMatch(/Menu "[^"]+" \(choose one: select 1\)\n\s+1\. former-kazakhstan:9/);
    expect(output).toContain('Collective Security Treaty Organization (CSTO)');
    // Show: numbered buttons; `click 2` moves the same message (#4) to the next paragraph.
    expect(output).toMatch(/\[1\] \S+ Previous {2}\[2\] \S+ Next/);
    expect(output).toMatch(/── #4 · Marginalia → admin, \/passage show · private \(only admin sees it\) · updated[\s\S]*former-kazakhstan:3/);
    // Mistakes get one clear line each.
    expect(output).toContain('paragraphs 1 to 9');
    expect(output).toMatch(/! Unknown command \/nope\. The bot registered: .*\/passage/);
    expect(output).toContain('! /passage search has no option "colour" (options: query, article, public)');
    expect(output).toContain('! Message #4 has buttons 1 to 2');
    // help: the sandbox's own verbs and the registered commands with their options.
    expect(output).toContain('click 2');
    expect(output).toContain('/passage search  query*:text article:text public:true-or-false');
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // The temporary store is gone.
    expect(leftovers).toEqual([]);
  }, 30_000);
});

const option = (name: string, type: number, extra: Partial<CommandOption> = {}): CommandOption => ({ name, type, description: name, ...extra });
const command = (name: string, options: CommandOption[]): CommandRecord => ({
  id: name,
  applicationId: 'app',
  guildId: 'g',
  type: 1,
  name,
  description: name,
  options,
  defaultMemberPermissions: null,
  version: '1',
  extra: {},
});
const commands = [
  command('passage', [option('show', 1, { options: [option('ref', 3, { required: true }), option('public', 5)] })]),
  command('poll', [option('create', 1, { options: [option('question', 3, { required: true }), option('options', 3, { required: true }), option('duration', 3)] })]),
  command('daily', [option('set', 1, { options: [option('channel', 7, { required: true }), option('time', 3, { required: true }), option('role', 8)] })]),
  command('library', [option('add', 1, { options: [option('file', 11, { required: true })] })]),
  command('settings', [option('set', 1, { options: [option('results_per_page', 4), option('prompt_style', 3, { choices: [{ name: 'critical', value: 'critical' }] })] })]),
];

describe('typing a slash command at the sandbox prompt', () => {
  it('GIVEN values with colons and spaces THEN each runs until the next option of the command', () => {
    expect(parseSlash('/passage show ref:former-kazakhstan:2 public:true', commands).options).toEqual({ ref: 'former-kazakhstan:2', public: true });
    expect(parseSlash("/poll create question:Is the author's claim supported? Note: read §2 options:Yes | No | Partly duration:10m", commands).options).toEqual({
      question: "Is the author's claim supported? Note: read §2",
      options: 'Yes | No | Partly',
      duration: '10m',
    });
    expect(parseSlash('/library add file:package.json', commands).options['file']).toEqual({ filename: 'package.json', bytes: new Uint8Array(readFileSync('package.json')) });
    expect(parseSlash('/daily set channel:#study time:09:00 role:@Readers', commands)).toMatchObject({
      subcommand: 'set',
      options: { channel: 'study', time: '09:00', role: 'Readers' },
    });
  });

  it('GIVEN mistakes THEN one clear sentence each', () => {
    const mistake = (text: string) => {
      try {
        parseSlash(text, commands);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error(`no mistake found in ${text}`);
    };
    expect(mistake('/quiz')).toContain('Unknown command /quiz');
    expect(mistake('/passage ref:x')).toBe('/passage needs a subcommand: show');
    expect(mistake('/passage open ref:x')).toContain('/passage has no subcommand "open"');
    expect(mistake('/passage show')).toContain('/passage show needs ref:');
    expect(mistake('/passage show ref:x public:maybe')).toContain('takes true or false');
    expect(mistake('/settings set results_per_page:many')).toContain('takes a whole number');
    expect(mistake('/settings set prompt_style:gentle')).toContain('is one of: critical');
    expect(mistake('/passage show ref:x pubic:true')).toContain('has no option "pubic"');
    expect(mistake('/library add file:no/such/file.txt')).toContain('takes the path of a file to attach; "no/such/file.txt" cannot be read');
    expect(() => parseLine('click two')).toThrow(InputError);
    expect(parseLine('select 1 3 on 5')).toEqual({ kind: 'select', values: ['1', '3'], message: 5 });
  });
});
