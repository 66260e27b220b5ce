import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ContextMenuCommandBuilder,
  MessageContextMenuCommandInteraction,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { BotContext } from '../context.js';

type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

/** A top-level slash command: its definition, and handlers that read input and call src/lib. */
export interface SlashCommand {
  data: SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** Buttons and select menus whose custom id starts with `<command name>:`. */
  component?(interaction: ComponentInteraction, ctx: BotContext): Promise<void>;
}

/** A message context-menu command ("Apps" menu on a message). */
export interface MessageMenuCommand {
  data: ContextMenuCommandBuilder;
  execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
}

export type Command = SlashCommand | MessageMenuCommand;
