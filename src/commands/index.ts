import { ContextMenuCommandBuilder } from 'discord.js';
import articles from './articles.js';
import daily from './daily.js';
import findInArticles from './find-in-articles.js';
import help from './help.js';
import passage from './passage.js';
import plan from './plan.js';
import poll from './poll.js';
import library from './library.js';
import note from './note.js';
import prompt from './prompt.js';
import quote from './quote.js';
import recap from './recap.js';
import settings from './settings.js';
import spelling from './spelling.js';
import type { Command, MessageMenuCommand, SlashCommand } from './types.js';

/** Every command of the bot. A test checks this list against the files of this folder. */
export const commands: Command[] = [passage, articles, quote, daily, poll, plan, note, settings, spelling, library, prompt, help, findInArticles, recap];

function isMessageMenu(command: Command): command is MessageMenuCommand {
  return command.data instanceof ContextMenuCommandBuilder;
}

export function findSlashCommand(name: string): SlashCommand | undefined {
  return commands.find((command): command is SlashCommand => !isMessageMenu(command) && command.data.name === name);
}

export function findMessageMenu(name: string): MessageMenuCommand | undefined {
  return commands.find((command): command is MessageMenuCommand => isMessageMenu(command) && command.data.name === name);
}

/** The definitions that deploy-commands registers. */
export function commandDefinitions() {
  return commands.map((command) => command.data.toJSON());
}
