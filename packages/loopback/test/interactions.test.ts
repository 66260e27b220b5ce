import { once } from 'node:events';
import {
  ActionRowBuilder,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  ContextMenuCommandBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Client,
  type Interaction,
} from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '../src/index.js';
import { connectClient } from '../src/client.js';

let lb: Loopback;
let client: Client<true>;
/** What the bot does with the next interactions; each test sets its own. */
let handle: (interaction: Interaction) => Promise<unknown>;
const failures: unknown[] = [];

const commands = [
  new SlashCommandBuilder()
    .setName('passage')
    .setDescription('Passages')
    .addSubcommand((s) =>
      s
        .setName('search')
        .setDescription('Search')
        .addStringOption((o) => o.setName('query').setDescription('Words').setRequired(true).setAutocomplete(true))
        .addBooleanOption((o) => o.setName('public').setDescription('Show to all')),
    ),
  new SlashCommandBuilder()
    .setName('nudge')
    .setDescription('Nudge a reader')
    .addUserOption((o) => o.setName('who').setDescription('Reader').setRequired(true))
    .addChannelOption((o) => o.setName('where').setDescription('Channel'))
    .addIntegerOption((o) => o.setName('times').setDescription('How often').setMinValue(1).setMaxValue(5)),
  new SlashCommandBuilder()
    .setName('settings')
    .setDescription('Settings')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
  new ContextMenuCommandBuilder().setName('Find in articles').setType(ApplicationCommandType.Message),
];

beforeAll(async () => {
  lb = await startLoopback();
  client = await connectClient(lb);
  client.on('interactionCreate', (interaction) => {
    handle(interaction).catch((error: unknown) => failures.push(error));
  });
  await client.rest.put(Routes.applicationGuildCommands(lb.applicationId, lb.world.defaultGuild.id), {
    body: commands.map((c) => c.toJSON()),
  });
});

afterAll(async () => {
  await client?.destroy();
  await lb?.close();
});

beforeEach(() => {
  failures.length = 0;
});

describe('loopback interactions', () => {
  it('GIVEN /passage search WHEN the bot replies THEN options are typed, permissions present and the reply lands in the run', async () => {
    let seen: { query: string; public: boolean | null; manageGuild: boolean; appCanSend: boolean } | undefined;
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = {
        query: interaction.options.getString('query', true),
        public: interaction.options.getBoolean('public'),
        manageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
        appCanSend: interaction.appPermissions.has(PermissionFlagsBits.SendMessages),
      };
      await interaction.reply({ content: `Results for ${interaction.options.getString('query')}`, flags: MessageFlags.Ephemeral });
    };
    const run = await lb.driver.slash({ user: 'admin', name: 'passage', subcommand: 'search', options: { query: 'CSTO', public: true } });
    const reply = await run.reply();
    expect(seen).toEqual({ query: 'CSTO', public: true, manageGuild: true, appCanSend: true });
    expect(reply).toMatchObject({ content: 'Results for CSTO', ephemeral: true, edits: 0 });
    expect((await run.response()).type).toBe(4);
    expect(lb.world.messages('study').some((m) => m.id === reply.id)).toBe(false);
  });

  it('GIVEN a deferred reply WHEN the bot edits it and follows up THEN reply() waits for the edit and followUp() finds the follow-up', async () => {
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await interaction.editReply('Found 3 passages');
      await interaction.followUp({ content: 'Page 2', flags: MessageFlags.Ephemeral });
    };
    const run = await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Nazarbaev' } });
    expect(await run.reply()).toMatchObject({ content: 'Found 3 passages', ephemeral: false });
    expect(await run.followUp(1)).toMatchObject({ content: 'Page 2', ephemeral: true });
    expect(run.messages.map((m) => m.content)).toEqual(['Found 3 passages', 'Page 2']);
  });

  it('GIVEN a reply with a button and a select menu WHEN a user clicks and picks THEN update changes the message in place', async () => {
    handle = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const next = new ButtonBuilder().setCustomId('page:2').setLabel('Next').setStyle(ButtonStyle.Primary);
        const open = new StringSelectMenuBuilder()
          .setCustomId('open')
          .addOptions({ label: 'Paragraph 9', value: 'former-kazakhstan:9' }, { label: 'Paragraph 10', value: 'former-kazakhstan:10' });
        await interaction.reply({
          content: 'Page 1',
          components: [
            new ActionRowBuilder<ButtonBuilder>().addComponents(next),
            new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(open),
          ],
        });
      } else if (interaction.isButton()) {
        await interaction.update({ content: `Page ${interaction.customId.split(':')[1]}` });
      } else if (interaction.isStringSelectMenu()) {
        await interaction.reply({ content: `Opened ${interaction.values.join(', ')}`, flags: MessageFlags.Ephemeral });
      }
    };
    const run = await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'protest' } });
    const page = await run.reply();
    const click = await lb.driver.click({ user: 'member', message: page, customId: 'page:2' });
    const updated = await click.reply();
    expect(updated.id).toBe(page.id);
    expect(updated).toMatchObject({ content: 'Page 2', edits: 1 });
    expect(updated.history[0]?.content).toBe('Page 1');

    const pick = await lb.driver.select({ user: 'member', message: page.id, customId: 'open', values: ['former-kazakhstan:9'] });
    expect((await pick.reply()).content).toBe('Opened former-kazakhstan:9');
    await expect(lb.driver.click({ user: 'member', message: page, customId: 'nope' })).rejects.toThrow(/no component 'nope'/);
  });

  it('GIVEN a button WHEN the bot defers the update and edits, or opens a modal THEN the run sees the edit, the modal and its submission', async () => {
    let submitted: string | undefined;
    handle = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('close').setLabel('Close').setStyle(ButtonStyle.Danger),
          new ButtonBuilder().setCustomId('note').setLabel('Add a note').setStyle(ButtonStyle.Secondary),
        );
        const response = await interaction.reply({ content: 'Poll: open', components: [row], withResponse: true });
        expect(response.resource?.message?.content).toBe('Poll: open');
      } else if (interaction.isButton() && interaction.customId === 'close') {
        await interaction.deferUpdate();
        await interaction.editReply({ content: 'Poll: closed', components: [] });
      } else if (interaction.isButton()) {
        const input = new TextInputBuilder().setCustomId('text').setLabel('Your note').setStyle(TextInputStyle.Short);
        await interaction.showModal(
          new ModalBuilder().setCustomId('note-modal').setTitle('Note').addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input)),
        );
      } else if (interaction.isModalSubmit()) {
        submitted = interaction.fields.getTextInputValue('text');
        await interaction.reply({ content: 'Noted', flags: MessageFlags.Ephemeral });
      }
    };
    const run = await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'poll' } });
    const poll = await run.reply();

    const note = await lb.driver.click({ user: 'member', message: poll, customId: 'note' });
    expect(await note.modal()).toMatchObject({ custom_id: 'note-modal', title: 'Note' });
    const submission = await lb.driver.submitModal({ user: 'member', run: note, values: { text: 'See paragraph 9' } });
    expect((await submission.reply()).content).toBe('Noted');
    expect(submitted).toBe('See paragraph 9');

    const close = await lb.driver.click({ user: 'admin', message: poll, customId: 'close' });
    expect((await close.response()).type).toBe(6);
    expect(await close.reply()).toMatchObject({ id: poll.id, content: 'Poll: closed', components: [] });
    expect(failures).toEqual([]);
  });

  it('GIVEN autocomplete WHEN the user types THEN the choices the bot responds with come back, within the limits', async () => {
    handle = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed} (paragraph 9)`, value: 'former-kazakhstan:9' }]);
    };
    const choices = await lb.driver.autocomplete({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'Naz' }, focused: 'query' });
    expect(choices).toEqual([{ name: 'Naz (paragraph 9)', value: 'former-kazakhstan:9' }]);

    const before = lb.violations.length;
    handle = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      await interaction.respond(Array.from({ length: 26 }, (_, i) => ({ name: `choice ${i}`, value: String(i) })));
    };
    await expect(
      lb.driver.autocomplete({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'x' }, focused: 'query' }),
    ).rejects.toThrow(/refused.*50035/);
    expect(lb.violations.slice(before).flatMap((v) => v.issues.map((i) => i.path))).toEqual(['data.choices']);
    await expect.poll(() => failures).toHaveLength(1);
  });

  it('GIVEN user, channel and integer options WHEN the driver sends them THEN discord.js resolves them; wrong input throws before sending', async () => {
    let seen: unknown;
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = {
        who: interaction.options.getUser('who', true).username,
        whoMember: interaction.options.getMember('who') !== null,
        where: interaction.options.getChannel('where')?.name,
        times: interaction.options.getInteger('times'),
      };
      await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    };
    const run = await lb.driver.slash({
      user: 'admin',
      name: 'nudge',
      options: { who: lb.world.users['member']!.id, where: lb.world.channels['general']!.id, times: 3 },
    });
    await run.reply();
    expect(seen).toEqual({ who: 'member', whoMember: true, where: 'general', times: 3 });

    await expect(lb.driver.slash({ user: 'admin', name: 'nudge', options: { who: 'member', times: 9 } })).rejects.toThrow(/must be ≤ 5/);
    await expect(lb.driver.slash({ user: 'admin', name: 'nudge', options: { who: 'member', loud: true } })).rejects.toThrow(/no option 'loud'/);
    await expect(lb.driver.slash({ user: 'admin', name: 'passage', subcommand: 'search', options: { query: 3 } })).rejects.toThrow(/is string/);
    await expect(lb.driver.slash({ user: 'member', name: 'settings' })).rejects.toThrow(/default_member_permissions/);
  });

  it('GIVEN "Find in articles" WHEN used on a new message THEN the bot gets the target message; a second ack is refused with 40060', async () => {
    let target: string | undefined;
    let secondAck: unknown;
    handle = async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      target = interaction.targetMessage.content;
      await interaction.reply({ content: 'Searching', flags: MessageFlags.Ephemeral });
      secondAck = await client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again' } }, auth: false })
        .catch((error: unknown) => error);
    };
    const run = await lb.driver.messageContextMenu({ user: 'member', name: 'Find in articles', target: { content: 'Who protested in Almaty?' } });
    await run.reply();
    await expect.poll(() => secondAck).toMatchObject({ code: 40060 });
    expect(target).toBe('Who protested in Almaty?');
  });

  it('GIVEN a dropped gateway WHEN the client has resumed THEN interactions still reach it', async () => {
    handle = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'still here', flags: MessageFlags.Ephemeral });
    };
    const resumed = once(client, 'shardResume');
    lb.faults.dropGateway();
    await resumed;
    const run = await lb.driver.slash({ user: 'member', name: 'passage', subcommand: 'search', options: { query: 'again' } });
    expect((await run.reply()).content).toBe('still here');
    expect(failures).toEqual([]);
  });
});
