// Carrying out what was typed at the sandbox prompt, as the person it types as.
import { ApplicationCommandType, ComponentType, InteractionResponseType, PermissionFlagsBits } from 'discord.js';
import type { CommandRecord, InteractionRun, Loopback } from '@marginalia/loopback';
import { describeCommands, SANDBOX_HELP } from './help.js';
import { InputError, parseLine, parseSlash, type Action, type ParsedSlash } from './parse.js';
import { interactive, renderChoices } from './render.js';
import type { Screen } from './screen.js';

/** The driver's and the server's messages, without their prefix and with permission names spelled out. */
function errorText(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/^loopback driver: /, '').replace(/^loopback: /, '');
  const lacking = /^(\S+) lacks (\/\S+)'s default_member_permissions \((\d+)\)/.exec(text);
  if (!lacking) return text;
  const bits = BigInt(lacking[3]!);
  const names = Object.entries(PermissionFlagsBits)
    .filter(([, bit]) => bit & bits)
    .map(([name]) => (name === 'ManageGuild' ? 'Manage Server' : name.replace(/([a-z])([A-Z])/g, '$1 $2')));
  return `${lacking[2]} needs ${names.join(' and ')}, which ${lacking[1]} does not have, so Discord would not offer it (switch with "as admin")`;
}

export class Actions {
  #complete: { parsed: ParsedSlash; focused: string; choices: Array<{ name: string; value: string | number }> } | undefined;
  #violationsSeen = 0;
  #stopWaiting: (() => void) | undefined;

  constructor(
    private readonly lb: Loopback,
    private readonly screen: Screen,
    private readonly print: (text: string) => void,
    public user: string,
    public channel: string,
  ) {}

  /** Ends a `wait` early (Ctrl-C). */
  stopWaiting(): void {
    this.#stopWaiting?.();
  }

  get guildId(): string {
    return this.lb.world.defaultGuild.id;
  }

  #commands(): CommandRecord[] {
    return [...this.lb.commands(this.guildId), ...this.lb.commands()];
  }

  #error(text: string): void {
    this.print(this.screen.style.red(`! ${text}`));
  }

  /** Runs one typed line; true when the sandbox should end. Never throws. */
  async handle(line: string): Promise<boolean> {
    let action: Action;
    try {
      action = parseLine(line);
    } catch (error) {
      this.#error(errorText(error));
      return false;
    }
    if (action.kind === 'quit') return true;
    try {
      await this.#run(action);
    } catch (error) {
      this.screen.flush();
      this.#error(error instanceof InputError ? error.message : errorText(error));
    }
    this.#reportViolations();
    return false;
  }

  async #run(action: Exclude<Action, { kind: 'quit' }>): Promise<void> {
    const driver = this.lb.driver;
    const who = { user: this.user, channel: this.channel };
    switch (action.kind) {
      case 'none':
        return;
      case 'help':
        this.print([...SANDBOX_HELP, '', 'The bot registered (* = required):', ...describeCommands(this.#commands()).map((l) => `  ${l}`)].join('\n'));
        return;
      case 'commands':
        this.print(describeCommands(this.#commands()).join('\n'));
        return;
      case 'slash':
        return this.#slash(parseSlash(action.text, this.#commands()));
      case 'complete': {
        const parsed = parseSlash(action.text, this.#commands(), true);
        const focused = parsed.order.at(-1);
        if (!focused) throw new InputError(`type the option to complete at the end, as in "complete ${parsed.label} ${parsed.definitions.find((o) => o.autocomplete)?.name ?? 'option'}:text"`);
        const choices = await driver.autocomplete({ ...who, name: parsed.name, ...this.#nesting(parsed), options: parsed.options, focused });
        this.#complete = { parsed, focused, choices };
        this.print(`${this.screen.style.dim(`${parsed.label} ${focused}: the bot offers ${choices.length} choice${choices.length === 1 ? '' : 's'} (pick <n> to run with one)`)}\n${renderChoices(this.screen.style, choices)}`);
        return;
      }
      case 'pick': {
        const last = this.#complete;
        if (!last) throw new InputError('pick comes after complete, as in "complete /passage search query:Baiko" then "pick 1"');
        const choice = last.choices[action.choice - 1];
        if (!choice) throw new InputError(`pick a number from 1 to ${last.choices.length}`);
        const parsed = { ...last.parsed, options: { ...last.parsed.options, [last.focused]: choice.value } };
        const typed = Object.entries(parsed.options).map(([k, v]) => `${k}:${v}`).join(' ');
        this.print(this.screen.style.dim(`  ${parsed.label} ${typed}`));
        return this.#slash(parsed);
      }
      case 'click':
      case 'select':
        return this.#component(action);
      case 'menu': {
        const menus = this.#commands().filter((c) => c.type === ApplicationCommandType.Message);
        const name = action.name ?? menus.map((m) => m.name).sort((a, b) => b.length - a.length).find((n) => action.text.toLowerCase().startsWith(n.toLowerCase()));
        if (!name || !menus.some((m) => m.name === name)) {
          throw new InputError(`No message context menu by that name; the bot registered: ${menus.map((m) => m.name).join(', ') || 'none'}`);
        }
        const text = action.name ? action.text : action.text.slice(name.length).trim();
        if (!text) throw new InputError(`menu ${name} needs the text of the message to run it on`);
        const run = await driver.messageContextMenu({ ...who, name, target: { content: text, authorName: this.user } });
        return this.#reply(run, `"${name}"`);
      }
      case 'as': {
        const user = this.lb.world.user(action.user);
        const known = Object.keys(this.lb.world.users).filter((n) => n !== 'bot');
        if (!user || user.bot || !this.lb.world.defaultGuild.members.has(user.id)) throw new InputError(`No member "${action.user}"; choose one of: ${known.join(', ')}`);
        this.user = action.user;
        this.print(this.screen.style.dim(`You are ${this.user} now.`));
        return;
      }
      case 'in': {
        const channel = this.lb.world.channel(action.channel);
        if (!channel || channel.guildId !== this.guildId) {
          const names = [...this.lb.world.channelsById.values()].filter((c) => c.guildId === this.guildId && !c.thread).map((c) => `#${c.name}`);
          throw new InputError(`No channel #${action.channel}; the server has ${names.join(', ')}`);
        }
        this.channel = channel.name;
        this.print(this.screen.style.dim(`Commands are typed in #${channel.name} now.`));
        return;
      }
      case 'wait':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, action.seconds * 1000);
          this.#stopWaiting = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#stopWaiting = undefined;
        await this.screen.settle();
        return;
    }
  }

  #nesting(parsed: ParsedSlash) {
    return { ...(parsed.group ? { group: parsed.group } : {}), ...(parsed.subcommand ? { subcommand: parsed.subcommand } : {}) };
  }

  async #slash(parsed: ParsedSlash): Promise<void> {
    const run = await this.lb.driver.slash({ user: this.user, channel: this.channel, name: parsed.name, ...this.#nesting(parsed), options: parsed.options });
    return this.#reply(run, parsed.label);
  }

  async #component(action: Extract<Action, { kind: 'click' | 'select' }>): Promise<void> {
    const id = action.message === undefined ? this.screen.lastInteractive : this.screen.messageId(action.message);
    if (!id) {
      throw new InputError(action.message === undefined ? `Nothing to ${action.kind} yet: run a command whose reply has buttons or a menu` : `There is no message #${action.message} yet`);
    }
    const message = this.lb.world.message(id);
    const n = this.screen.numberOf(id);
    if (!message) throw new InputError(`Message #${n} was deleted`);
    const { buttons, menus } = interactive(message);
    if (action.kind === 'click') {
      const button = buttons[action.button - 1];
      if (!button) throw new InputError(buttons.length ? `Message #${n} has buttons 1 to ${buttons.length}` : `Message #${n} has no buttons`);
      const name = `[${action.button}] ${button.label ?? button.emoji?.name ?? ''}`.trim();
      if (button.disabled) throw new InputError(`Button ${name} on message #${n} is disabled`);
      const run = await this.lb.driver.click({ user: this.user, message: id, customId: button.custom_id! });
      return this.#reply(run, `click ${name} on #${n}`);
    }
    const menu = menus.find((m) => !m.disabled) ?? menus[0];
    if (!menu) throw new InputError(`Message #${n} has no select menu`);
    if (menu.disabled) throw new InputError(`The menu on message #${n} is disabled`);
    let values = action.values;
    if (menu.type === ComponentType.StringSelect) {
      const options = menu.options ?? [];
      values = action.values.map((v) => {
        const option = /^\d+$/.test(v) ? options[Number(v) - 1] : undefined;
        if (!option) throw new InputError(`select takes option numbers from 1 to ${options.length}, not "${v}"`);
        return option.value;
      });
    } else {
      values = values.map((v) => v.replace(/^[@#]/, ''));
    }
    const run = await this.lb.driver.select({ user: this.user, message: id, customId: menu.custom_id!, values });
    return this.#reply(run, `select ${action.values.join(' ')} on #${n}`);
  }

  /** Waits for the bot's answer, shows it and whatever else it did meanwhile. */
  async #reply(run: InteractionRun, label: string): Promise<void> {
    this.screen.labels.set(run.id, label);
    const response = await run.response();
    if (response.type === InteractionResponseType.Modal) {
      const modal = response.data ?? {};
      this.screen.flush();
      this.print(this.screen.style.dim(`The bot opened a form "${String(modal['title'] ?? '')}"; the sandbox cannot fill in forms.`));
      return;
    }
    const reply = await run.reply();
    this.screen.flush();
    this.screen.show(reply);
    await this.screen.settle();
  }

  #reportViolations(): void {
    const violations = this.lb.violations.slice(this.#violationsSeen);
    this.#violationsSeen = this.lb.violations.length;
    for (const v of violations) {
      const issues = v.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      this.#error(`Discord would refuse what the bot sent (${v.method} ${v.path}): ${issues}`);
    }
  }
}
