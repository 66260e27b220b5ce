// What can be typed at the sandbox prompt: its own verbs, and the commands the bot registered.
import type { CommandOption, CommandRecord } from '@marginalia/loopback';
import { ApplicationCommandOptionType as O, ApplicationCommandType } from 'discord.js';

export const TYPE_NAMES: Partial<Record<O, string>> = {
  [O.String]: 'text',
  [O.Integer]: 'whole number',
  [O.Boolean]: 'true or false',
  [O.User]: 'user',
  [O.Channel]: 'channel',
  [O.Role]: 'role',
  [O.Mentionable]: 'user or role',
  [O.Number]: 'number',
  [O.Attachment]: 'attachment',
};

export const SANDBOX_HELP = [
  'Type a slash command as in Discord, options as name:value:',
  '  /passage search query:CSTO',
  '  /passage show ref:former-kazakhstan:2 public:true',
  "  /poll create question:Is the author's claim supported? options:Yes | No | Partly duration:10m",
  '  /daily set channel:#study time:09:00 timezone:Asia/Almaty days:weekdays role:@Readers',
  '  /library add file:notes/reading-slowly.txt   (a file on disk, attached as a member attaches one)',
  'and these:',
  '  complete /passage search query:Baiko   what autocomplete offers for the last option typed',
  '  pick 2                                 run that command with choice 2 of the last complete',
  '  click 2        click 2 on 5            press button [2] of the last message with buttons (or of message #5)',
  '  select 1       select 1 3 on 5         choose from its select menu (by number)',
  '  find <text>                            post <text> in the channel and run "Find in articles" on it',
  '  menu <menu name> <text>                the same with any message context menu',
  '  as member      as admin                who types from now on',
  '  in #general                            the channel commands are typed in',
  '  wait 5                                 let 5 seconds pass (a poll closing, a daily post)',
  '  commands                               the commands the bot registered, with their options',
  '  help                                   this list',
  '  quit                                   stop the bot and leave (also exit, Ctrl-D)',
];

/** `query* (text) article (text) public (true/false)`; required ones are starred. */
export function describeOptions(level: CommandOption[]): string {
  if (!level.length) return 'no options';
  return level
    .map((o) => {
      const kind = o.choices?.length ? o.choices.map((c) => c.value).join('|') : (TYPE_NAMES[o.type] ?? String(o.type));
      return `${o.name}${o.required ? '*' : ''}:${kind.replace(/ /g, '-')}`;
    })
    .join(' ');
}

/** One line per command and subcommand the bot registered: what can be typed after the slash. */
export function describeCommands(commands: CommandRecord[]): string[] {
  const lines: string[] = [];
  for (const command of commands) {
    if (command.type === ApplicationCommandType.Message) {
      lines.push(`menu ${command.name} <text>    (message context menu)`);
      continue;
    }
    if (command.type !== ApplicationCommandType.ChatInput) continue;
    const nested = command.options.filter((o) => o.type === O.Subcommand || o.type === O.SubcommandGroup);
    if (!nested.length) {
      lines.push(`/${command.name}  ${command.options.length ? describeOptions(command.options) : ''}`.trimEnd());
      continue;
    }
    for (const option of nested) {
      const subs = option.type === O.SubcommandGroup ? (option.options ?? []).map((s) => ({ name: `${option.name} ${s.name}`, level: s.options ?? [] })) : [{ name: option.name, level: option.options ?? [] }];
      for (const sub of subs) lines.push(`/${command.name} ${sub.name}  ${sub.level.length ? describeOptions(sub.level) : ''}`.trimEnd());
    }
  }
  return lines;
}
