// The peer of the memory and votes benchmarks: a bare discord.js bot that logs into the same
// Discord (DISCORD_API_URL, DISCORD_TOKEN), with the Guilds intent and discord.js's default
// caches, or with Marginalia's client options when BARE_BOT_CACHES is `ours`. It answers `/poll create`
// with one button per answer, each click with a private confirmation, `/poll close` with the
// count, and any other command with "ok". It is compiled and run without tsx (see
// bare-bot-process.ts), and reads its two variables without zod, so that nothing but
// discord.js is in its memory.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  GatewayIntentBits,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { createClient } from '../src/discord/client.js';

const token = process.env.DISCORD_TOKEN;
const api = process.env.DISCORD_API_URL;
if (!token || !api) throw new Error('bare bot: DISCORD_TOKEN and DISCORD_API_URL are required');

const client =
  process.env.BARE_BOT_CACHES === 'ours'
    ? createClient({ DISCORD_API_URL: api })
    : new Client({ intents: [GatewayIntentBits.Guilds], rest: { api }, allowedMentions: { parse: [] } });

/** Each poll message's votes: the answer's label by voter. */
const votes = new Map<string, Map<string, string>>();
let lastPoll: string | undefined;

async function command(interaction: ChatInputCommandInteraction) {
  const subcommand = interaction.options.getSubcommand(false);
  if (interaction.commandName === 'poll' && subcommand === 'create') {
    const labels = interaction.options.getString('options', true).split('|').map((label) => label.trim());
    const buttons = labels.map((label, index) => new ButtonBuilder().setCustomId(`vote:${index}:${label}`).setLabel(label).setStyle(ButtonStyle.Secondary));
    const rows = [];
    for (let start = 0; start < buttons.length; start += 5) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(start, start + 5)));
    const reply = await interaction.reply({ content: interaction.options.getString('question', true), components: rows, withResponse: true });
    lastPoll = reply.resource!.message!.id;
  } else if (interaction.commandName === 'poll' && subcommand === 'close') {
    await interaction.reply({ content: `Closed: ${votes.get(lastPoll ?? '')?.size ?? 0} votes` });
  } else {
    await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
  }
}

async function click(interaction: ButtonInteraction) {
  // The label rides in the custom id: clicks can arrive before the reply that posted the poll returns.
  const label = interaction.customId.split(':').slice(2).join(':');
  const poll = votes.get(interaction.message.id) ?? new Map<string, string>();
  votes.set(interaction.message.id, poll.set(interaction.user.id, label));
  await interaction.reply({ content: `Recorded your vote for **${label}**`, flags: MessageFlags.Ephemeral });
}

client.on('interactionCreate', (interaction) => {
  const answer = interaction.isChatInputCommand() ? command(interaction) : interaction.isButton() ? click(interaction) : undefined;
  answer?.catch((error: unknown) => console.error(error));
});
// tools/bot-process.ts waits for this line, as it does for the bot's own log.
client.once('clientReady', () => console.log(JSON.stringify({ msg: 'ready', guilds: client.guilds.cache.size })));
await client.login(token);
