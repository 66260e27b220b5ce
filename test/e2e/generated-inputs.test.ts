// SPEC section 12, last row: at least 10,000 inputs generated from the registered command
// definitions, sent through the real bot process, and for each: an answer within 3 s, every
// payload inside Discord's limits, no ping, each refusal one clear sentence, no crash.
// FUZZ_RUNS raises the count (CI's default is 10,000), FUZZ_SEED replays a run.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as O, ComponentType, ButtonStyle, escapeMarkdown, InteractionResponseType } from 'discord.js';
import { walkComponents, type CommandRecord, type InteractionRun, type MessageRecord } from '@marginalia/loopback';
import { ECHO, generatedInput, leavesOf, optionKey, type Entities, type ForgedId, type GeneratedInput } from '../helpers/generate.js';
import { startSession, textOf, type Session } from './harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Inputs sent at once, as members of a busy server would. */
const BATCH = 20;
/** FUZZ_VERBOSE=1 prints the most frequent answers to each kind of input, to see what the run reached. */
const VERBOSE = process.env.FUZZ_VERBOSE === '1';
const FIRST_RESPONSE_MS = 3000;
/** In what the other server's members typed: it must never show up in this server. */
const FOREIGN_MARKER = 'Zanzibarish';

/** What a member must never read, unless it quotes what a member typed. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/something went wrong/i, 'Something went wrong'],
  [/error id/i, 'an error id'],
  [/invalid input/i, 'raw validation text'],
  [/\bexpected (?:int|number|string|boolean)/i, 'raw validation text'],
  [/\bundefined\b/, 'undefined'],
  [/\bnull\b/, 'null'],
  [/\[object \w+\]/, '[object Object]'],
  [/\bNaN\b/, 'NaN'],
  [/\bInfinity\b/, 'Infinity'],
  [/\b(?:TypeError|RangeError|ReferenceError|SyntaxError|ZodError|DiscordAPIError)\b/, 'an error class'],
  [/\n\s*at [\w$.<>]+ \(/, 'a stack trace'],
  [/\bRequired option\b/, "discord.js's option error"],
];

interface Problem {
  category: string;
  detail: string;
}
interface Attempt {
  input: GeneratedInput;
  label: string;
  run?: InteractionRun;
  problems: Problem[];
  /** Text the member typed, where a forbidden word may legitimately come back. */
  typed: string;
}
interface Failure {
  signature: string;
  input: GeneratedInput;
  label: string;
  detail: string;
  count: number;
}

let session: Session;
let commands: CommandRecord[];
let entities: Entities;
/** Messages in another server whose components give the forged "other server's id". */
const foreignMessages: MessageRecord[] = [];
const foreignEditsAtStart = new Map<string, number>();
/** Messages of the bot in the server under test, in creation order. */
const botMessages: string[] = [];
const seen = new Set<string>();
/** What the bot process wrote to stderr (Node's unhandled rejection report goes there). */
const stderr: string[] = [];
/** Texts the bot showed (code spans, message links): what members copy into the next command. */
const echoes: string[] = [];

function harvest(message: MessageRecord): void {
  for (const match of textOf(message).matchAll(/`([^`\n]{1,100})`/g)) echoes.push(match[1]!);
  if (!message.ephemeral) echoes.push(`https://discord.com/channels/${message.guildId}/${message.channelId}/${message.id}`);
  if (echoes.length > 2000) echoes.splice(0, 1000);
}

/** The options with each echo placeholder replaced by a text the bot showed, cut to the option's max_length. */
function withEchoes(input: GeneratedInput & { name: string; group?: string; subcommand?: string; options: Record<string, unknown> }) {
  const leaf = leavesOf(commands.find((c) => c.name === input.name)!).find((l) => l.group === input.group && l.subcommand === input.subcommand);
  const options = Object.fromEntries(
    Object.entries(input.options).map(([name, value]) => {
      if (typeof value !== 'string' || !value.startsWith(ECHO)) return [name, value];
      const echoed = echoes[Number(value.slice(ECHO.length)) % Math.max(echoes.length, 1)] ?? '';
      return [name, echoed.slice(0, leaf?.options.find((o) => o.name === name)?.max_length ?? 6000)];
    }),
  ) as Record<string, string | number | boolean>;
  return options;
}

const world = () => session.lb.world;

beforeAll(async () => {
  session = await startSession({ deploy: 'global' });
  const { lb } = session;
  session.bot.child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  lb.on('message', (message: MessageRecord) => {
    if (message.authorId === lb.world.bot.id && message.guildId === lb.world.defaultGuild.id && !seen.has(message.id)) {
      seen.add(message.id);
      botMessages.push(message.id);
    }
  });
  commands = [...lb.commands(), ...lb.commands(lb.world.defaultGuild.id)];

  // Another server with a poll and a search in it: their ids are the "other servers' ids".
  const other = lb.world.addGuild('Other Group');
  const otherChannel = [...lb.world.channelsById.values()].find((c) => c.guildId === other.id)!;
  const stranger = lb.world.addMember(other.id, { name: 'stranger' });
  const elsewhere = lb.world.createRole(other, 'Elsewhere', 0n);
  const owner = lb.world.defaultGuild.ownerId;
  const inOther = { user: owner, channel: otherChannel.id };
  // The gateway keeps order: once this is answered, the bot has the new server.
  await (await lb.driver.slash({ ...inOther, name: 'help' })).reply();
  const poll = await (await lb.driver.slash({ ...inOther, name: 'poll', subcommand: 'create', options: { question: `${FOREIGN_MARKER} elsewhere?`, options: 'Yes | No', duration: '7d' } })).reply();
  const search = await (await lb.driver.slash({ ...inOther, name: 'passage', subcommand: 'search', options: { query: `Kazakhstan ${FOREIGN_MARKER}` } })).reply();
  const shown = await (await lb.driver.slash({ ...inOther, name: 'passage', subcommand: 'show', options: { ref: 'former-kazakhstan:2', public: true } })).reply();
  foreignMessages.push(poll, search, shown);

  const guild = lb.world.defaultGuild;
  const channels = [...lb.world.channelsById.values()].filter((c) => c.guildId === guild.id && !c.thread);
  entities = {
    actors: ['admin', 'member'],
    channels: channels.map((c) => c.id),
    users: [...guild.members.keys()],
    roles: guild.roles.map((r) => r.id),
    foreignChannels: [otherChannel.id],
    foreignUsers: [stranger.id],
    foreignRoles: [elsewhere.id, other.id],
    places: ['study', ...channels.map((c) => c.name).filter((name) => name !== 'study')],
    examples: new Map(),
  };
  // The values a member would pick: what each autocomplete offers for nothing typed and for a letter.
  for (const command of commands) {
    for (const leaf of leavesOf(command)) {
      for (const option of leaf.options.filter((o) => o.autocomplete)) {
        const values = new Set<string>();
        for (const typed of ['', 'a', 'k', 'e']) {
          const choices = await lb.driver.autocomplete({
            user: 'admin',
            name: command.name,
            ...(leaf.group ? { group: leaf.group } : {}),
            ...(leaf.subcommand ? { subcommand: leaf.subcommand } : {}),
            options: { [option.name]: typed },
            focused: option.name,
          });
          for (const choice of choices) values.add(String(choice.value));
        }
        entities.examples.set(optionKey(leaf, option.name), [...values]);
      }
    }
  }
  for (const message of foreignMessages) foreignEditsAtStart.set(message.id, lb.world.message(message.id)?.edits ?? 0);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

interface Clickable {
  message: MessageRecord;
  customId: string;
  type: ComponentType;
  options: string[];
  maxValues: number;
}

interface Walked {
  type: ComponentType;
  custom_id?: string;
  disabled?: boolean;
  style?: number;
  options?: Array<{ value: string }>;
  max_values?: number;
  components?: Walked[];
  accessory?: Walked;
  component?: Walked;
}

/** The buttons and menus members can use now, on the bot's messages in the server under test. */
function clickables(): Clickable[] {
  return botMessages.flatMap((id) => {
    const message = world().message(id);
    if (!message || message.loading) return [];
    return [...walkComponents(message.components as Walked[])]
      .filter((c) => c.custom_id && !c.disabled && c.style !== ButtonStyle.Link && c.style !== ButtonStyle.Premium && c.type !== ComponentType.TextInput)
      .map((c) => ({ message, customId: c.custom_id!, type: c.type, options: (c.options ?? []).map((o) => o.value), maxValues: c.max_values ?? 1 }));
  });
}

/** Who may use a component on this message: its owner if only they can see it. */
function userFor(message: MessageRecord, wanted: string): string {
  if (!message.ephemeral || !message.interactionId) return wanted;
  return world().interactionsById.get(message.interactionId)?.userId ?? wanted;
}

function realIds(messages: MessageRecord[]): string[] {
  return messages.flatMap((m) => [...walkComponents(m.components as Walked[])].flatMap((c) => (c.custom_id ? [c.custom_id] : [])));
}

/** At most 100 UTF-16 units (Discord's limit for a custom id), never half a character; never empty. */
function customIdOfText(text: string): string {
  const points = Array.from(text || ':');
  while (points.join('').length > 100) points.pop();
  return points.join('');
}

function forgedText(forged: ForgedId): string {
  const pickFrom = (ids: string[], n: number) => ids[n % Math.max(ids.length, 1)] ?? 'poll:vote:x:0';
  let id: string;
  switch (forged.from) {
    case 'text':
      id = forged.id;
      break;
    case 'truncated': {
      const real = pickFrom(clickables().map((c) => c.customId), forged.pick);
      id = real.slice(0, forged.at % Math.max(real.length, 1));
      break;
    }
    case 'mutated': {
      const parts = pickFrom(clickables().map((c) => c.customId), forged.pick).split(':');
      parts[forged.field % parts.length] = forged.text;
      id = parts.join(':');
      break;
    }
    case 'foreign':
      id = pickFrom(realIds(foreignMessages.map((m) => world().message(m.id) ?? m)), forged.pick);
      break;
  }
  return customIdOfText(id);
}

function labelOf(input: GeneratedInput): string {
  switch (input.kind) {
    case 'slash':
      return `/${[input.name, input.group, input.subcommand].filter(Boolean).join(' ')}${input.unchecked ? ' (altered client)' : ''}`;
    case 'autocomplete':
      return `autocomplete /${[input.name, input.group, input.subcommand].filter(Boolean).join(' ')} ${input.focused}`;
    case 'menu':
      return `menu "${input.name}"`;
    case 'click':
      return 'click';
    case 'forged':
      return `forged id (${input.forged.from})`;
  }
}

/** The route of a custom id (`poll:vote`), for grouping failures. */
const routeOf = (customId: string) => customId.split(':').slice(0, 2).join(':');
/** Which handler a forged id reaches: its command's, or none. */
function routeName(customId: string): string {
  const command = customId.split(':', 1)[0]!;
  return commands.some((c) => c.name === command) ? `${command}:` : 'an unknown prefix';
}

async function send(input: GeneratedInput, attempt: Attempt): Promise<InteractionRun | undefined> {
  const { driver } = session.lb;
  switch (input.kind) {
    case 'slash': {
      const { kind: _kind, ...rest } = input;
      const options = withEchoes(input);
      attempt.typed = Object.values(options).map(String).join(' ');
      return driver.slash({ ...rest, options });
    }
    case 'autocomplete': {
      const { kind: _kind, ...rest } = input;
      const options = withEchoes(input);
      attempt.typed = Object.values(options).map(String).join(' ');
      return driver.autocompleteRun({ ...rest, options });
    }
    case 'menu':
      attempt.typed = input.content;
      return driver.messageContextMenu({ user: input.user, channel: input.channel, name: input.name, target: { content: input.content } });
    case 'click': {
      // Every kind of component as often as any other, however many of one kind there are.
      const byRoute = new Map<string, Clickable[]>();
      for (const c of clickables()) (byRoute.get(routeOf(c.customId)) ?? byRoute.set(routeOf(c.customId), []).get(routeOf(c.customId))!).push(c);
      const routes = [...byRoute.values()];
      if (!routes.length) return undefined;
      const same = routes[input.pick % routes.length]!;
      const target = same[Math.floor(input.pick / routes.length) % same.length]!;
      const user = userFor(target.message, input.user);
      attempt.label = `click ${routeOf(target.customId)}`;
      if (target.type === ComponentType.Button) return driver.click({ user, message: target.message, customId: target.customId });
      // Every value of every menu over the run: `value` picks the first one and how many (up to max_values).
      const offered = target.type === ComponentType.StringSelect ? target.options : [...entities.users, ...entities.roles, ...entities.channels];
      const count = 1 + (Math.floor(input.value / offered.length) % Math.min(target.maxValues, offered.length));
      const values = Array.from({ length: count }, (_, i) => offered[(input.value + i) % offered.length]!);
      return driver.select({ user, message: target.message, customId: target.customId, values });
    }
    case 'forged': {
      if (!botMessages.length) return undefined;
      const message = world().message(botMessages[input.pick % botMessages.length]!);
      if (!message || message.loading) return undefined;
      const customId = forgedText(input.forged);
      attempt.typed = customId;
      attempt.label = `forged id (${input.forged.from}) for ${routeName(customId)}`;
      const user = userFor(message, input.user);
      const base = { user, message, customId, unchecked: true };
      return input.values ? driver.select({ ...base, values: input.values }) : driver.click(base);
    }
  }
}

/** The bot's log line for an error id shown to a member, to say what went wrong. */
function loggedError(text: string): string {
  const id = /error id `(\w+)`/.exec(text)?.[1];
  const line = id && session.bot.logs.find((l) => l.errorId === id);
  if (!line) return '';
  const err = line.err as { message?: string; type?: string } | undefined;
  return ` [log: ${err?.type ?? ''}: ${String(err?.message ?? line.msg).slice(0, 200)}]`;
}

/** What members typed that holds a forbidden word ("NaN" as a duration): the bot may quote it back anywhere, later. */
const riskyTyped: string[] = [];

/** Whether every occurrence of `pattern` in `text` sits in text someone typed (its few characters before or after match too). */
function quotesTyped(text: string, pattern: RegExp): boolean {
  const all = new RegExp(pattern.source, `${pattern.flags}g`);
  return [...text.matchAll(all)].every((match) => {
    const start = match.index;
    const end = start + match[0].length;
    const left = text.slice(Math.max(0, start - 3), end);
    const right = text.slice(start, end + 3);
    return riskyTyped.some((typed) => typed.includes(left) || typed.includes(right)) || inTypedCodeSpan(text, start, end);
  });
}

/**
 * Whether text[start, end) sits in a code span (`…`) holding what a member typed, as the bot
 * quotes it back (quoteInput): trimmed, runs of spaces made one, backticks made quotes.
 */
function inTypedCodeSpan(text: string, start: number, end: number): boolean {
  const open = text.lastIndexOf('`', start - 1);
  const close = text.indexOf('`', end);
  if (open < 0 || close < 0) return false;
  const span = text.slice(open + 1, close);
  return riskyTyped.some((typed) => typed.replace(/`/g, "'").replace(/\s+/g, ' ').includes(span));
}

function checkText(attempt: Attempt, text: string, where: string): void {
  const typed = [attempt.typed, escapeMarkdown(attempt.typed)];
  const found = FORBIDDEN.find(([pattern]) => pattern.test(text) && !typed.some((shown) => pattern.test(shown)) && !quotesTyped(text, pattern));
  if (found) attempt.problems.push({ category: `${where} shows ${found[1]}`, detail: text.slice(0, 300) });
  if (text.includes(FOREIGN_MARKER)) attempt.problems.push({ category: "another server's data shown", detail: text.slice(0, 300) });
}

/** A private notice without embeds or components is a refusal or a confirmation: one sentence. */
function checkNotice(attempt: Attempt, message: MessageRecord): void {
  if (!message.ephemeral || message.embeds.length || message.components.length || !message.content) return;
  const text = message.content.trim();
  if (text.includes('\n')) attempt.problems.push({ category: 'a private notice of more than one line', detail: text.slice(0, 300) });
  else if (!/[.?!)]$/.test(text)) attempt.problems.push({ category: 'a private notice that is not a sentence', detail: text.slice(0, 300) });
}

async function check(attempt: Attempt, allowedRoles: Set<string>): Promise<void> {
  const run = attempt.run!;
  let callback;
  try {
    callback = await run.response(FIRST_RESPONSE_MS + 1500);
  } catch (error) {
    attempt.problems.push({ category: 'no first response', detail: String((error as Error).message).slice(0, 300) });
    return;
  }
  const latency = callback.at - run.record.createdAt;
  if (latency > FIRST_RESPONSE_MS) attempt.problems.push({ category: 'first response after 3 s', detail: `${latency} ms` });
  if (callback.type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const choices = (callback.data?.['choices'] as Array<{ name: string }> | undefined) ?? [];
    for (const choice of choices) checkText(attempt, choice.name, 'an autocomplete choice');
    return;
  }
  if (callback.type === InteractionResponseType.Modal) return;
  try {
    await run.reply(10_000);
  } catch (error) {
    attempt.problems.push({ category: 'no visible reply', detail: String((error as Error).message).slice(0, 300) });
  }
  for (const message of run.messages) {
    harvest(message);
    const edited = message.id !== run.record.sourceMessageId || callback.type === InteractionResponseType.UpdateMessage || message.edits > 0;
    if (!edited) continue;
    checkText(attempt, textOf(message), 'the reply');
    checkNotice(attempt, message);
    const { everyone, roles, users } = message.pings;
    if (everyone || roles.length || users.length) {
      // Only a daily post (a channel message, not a reply) pings, and only the chosen role.
      const allowed = !message.interactionId && !everyone && !users.length && roles.every((r) => allowedRoles.has(r));
      if (!allowed) attempt.problems.push({ category: 'a ping', detail: JSON.stringify(message.pings) });
    }
  }
}

function rolesChosen(input: GeneratedInput, into: Set<string>): void {
  if (input.kind !== 'slash') return;
  const leaf = leavesOf(commands.find((c) => c.name === input.name)!).find((l) => l.subcommand === input.subcommand && l.group === input.group);
  for (const option of leaf?.options ?? []) {
    if ((option.type === O.Role || option.type === O.Mentionable) && input.options[option.name] !== undefined) into.add(String(input.options[option.name]));
  }
}

describe('generated inputs', () => {
  it(`GIVEN ${RUNS} inputs generated from the registered commands (seed ${SEED}) THEN each is answered within 3 s, inside Discord's limits, pings nobody, refuses in one sentence, and the bot never crashes`, async () => {
    const failures = new Map<string, Failure>();
    const allowedRoles = new Set<string>();
    const latencies: number[] = [];
    const answers = new Map<string, Map<string, number>>();
    const kinds = new Map<string, number>();
    let sent = 0;
    let violationsSeen = 0;
    let channelMessagesSeen = 0;
    const started = Date.now();

    const record = (attempt: Attempt, problem: Problem) => {
      const signature = `${attempt.label} → ${problem.category}`;
      const existing = failures.get(signature);
      const size = JSON.stringify(attempt.input).length;
      if (!existing) failures.set(signature, { signature, input: attempt.input, label: attempt.label, detail: problem.detail, count: 1 });
      else {
        existing.count += 1;
        if (size < JSON.stringify(existing.input).length) Object.assign(existing, { input: attempt.input, detail: problem.detail });
      }
    };

    await fc.assert(
      fc.asyncProperty(fc.array(generatedInput(commands, entities), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        if (sent >= RUNS) return;
        if (session.bot.child.exitCode !== null) throw new Error(`the bot exited with ${session.bot.child.exitCode}: ${stderr.join('').slice(-2000)}`);
        const attempts = await Promise.all(
          batch.map(async (input): Promise<Attempt> => {
            const attempt: Attempt = { input, label: labelOf(input), problems: [], typed: '' };
            rolesChosen(input, allowedRoles);
            try {
              attempt.run = await send(input, attempt);
            } catch (error) {
              // The driver refused to send it: a generator bug, not the bot's.
              attempt.problems.push({ category: 'the driver could not send it', detail: String((error as Error).message).slice(0, 300) });
            }
            // The bot shows typed text escaped for Markdown: "NaN_" is no word, but "NaN\_" ends one.
            for (const shown of [attempt.typed, escapeMarkdown(attempt.typed)]) {
              if (FORBIDDEN.some(([pattern]) => pattern.test(shown))) riskyTyped.push(shown);
            }
            return attempt;
          }),
        );
        await Promise.all(attempts.filter((a) => a.run).map((a) => check(a, allowedRoles)));
        for (const attempt of attempts) {
          if (!attempt.run && !attempt.problems.length && attempt.input.kind !== 'autocomplete') continue;
          sent += 1;
          kinds.set(attempt.label.split(' ')[0]!, (kinds.get(attempt.label.split(' ')[0]!) ?? 0) + 1);
          const first = attempt.run?.record.callbacks[0];
          if (first) latencies.push(first.at - attempt.run!.record.createdAt);
          for (const problem of attempt.problems) record(attempt, problem);
          if (VERBOSE && attempt.run) {
            const reply = attempt.run.messages[0];
            const head = reply ? textOf(reply).replace(/\s+/g, ' ').replace(/`[^`]*`/g, '`…`').slice(0, 50) : `callback ${attempt.run.record.callbacks[0]?.type}`;
            const heads = (answers.get(attempt.label) ?? answers.set(attempt.label, new Map()).get(attempt.label))!;
            heads.set(head, (heads.get(head) ?? 0) + 1);
          }
        }
        // What no single reply shows: limits broken (with the interaction they belong to), posts that ping.
        for (const violation of session.lb.violations.slice(violationsSeen)) {
          const owner = attempts.find((a) => a.run && violation.path.includes(a.run.record.token)) ?? attempts.find((a) => a.run && violation.path.includes(a.run.id));
          const attempt = owner ?? { input: batch[0]!, label: 'a post or edit outside any reply', problems: [], typed: '' };
          record(attempt, { category: `a violation: ${violation.issues.map((i) => i.code).join(', ')}`, detail: JSON.stringify(violation.issues).slice(0, 300) });
        }
        violationsSeen = session.lb.violations.length;
        const channelPosts = botMessages.slice(channelMessagesSeen).map((id) => world().message(id)).filter((m): m is MessageRecord => !!m && !m.interactionId);
        channelMessagesSeen = botMessages.length;
        for (const post of channelPosts) {
          const { everyone, roles, users } = post.pings;
          if (everyone || users.length || roles.some((r) => !allowedRoles.has(r))) {
            record({ input: batch[0]!, label: 'a channel post', problems: [], typed: '' }, { category: 'a ping', detail: `${JSON.stringify(post.pings)} in ${textOf(post).slice(0, 200)}` });
          }
        }
      }),
      // A few more batches than needed: a click finds no component before the first replies.
      { seed: SEED, numRuns: Math.ceil((RUNS / BATCH) * 1.05) + 5, endOnFailure: true },
    );

    // Forged ids from another server never changed that server's messages.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const message of foreignMessages) {
      const edits = world().message(message.id)?.edits ?? 0;
      if (edits !== foreignEditsAtStart.get(message.id)) {
        record(
          { input: { kind: 'forged', user: 'member', pick: 0, forged: { from: 'foreign', pick: 0 } }, label: 'forged id (foreign)', problems: [], typed: '' },
          { category: "another server's message changed", detail: textOf(world().message(message.id)!).slice(0, 300) },
        );
      }
    }
    const logged = session.bot.logs.filter((line) => Number(line.level) >= 60 || /unhandled|uncaught/i.test(String(line.msg)));
    const crashed = session.bot.child.exitCode !== null || /unhandled|uncaught|UnhandledPromiseRejection/i.test(stderr.join(''));

    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
    console.log(
      `generated inputs: ${sent} sent in ${seconds.toFixed(0)} s (seed ${SEED}); ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; ` +
        `first response p50 ${percentile(50)} ms, p99 ${percentile(99)} ms, max ${latencies.at(-1) ?? 0} ms`,
    );
    if (VERBOSE) {
      for (const [label, heads] of [...answers].sort()) {
        const top = [...heads].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([head, n]) => `${n}× ${head}`);
        console.log(`${label}:\n  ${top.join('\n  ')}`);
      }
    }
    const report = [...failures.values()]
      .sort((a, b) => b.count - a.count)
      .map((f) => `- ${f.signature} (${f.count}×)\n    input: ${JSON.stringify(f.input).slice(0, 400)}\n    got: ${f.detail}${loggedError(f.detail)}`);
    if (report.length) console.log(`generated inputs: ${failures.size} distinct failures (seed ${SEED}, FUZZ_SEED=${SEED} replays):\n${report.join('\n')}`);

    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(crashed, stderr.join('').slice(-2000)).toBe(false);
    expect(logged).toEqual([]);
    expect(report, `seed ${SEED}`).toEqual([]);
  }, 900_000);
});
