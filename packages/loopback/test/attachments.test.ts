import { AttachmentBuilder, MessageFlags, Routes, SlashCommandBuilder, type Client, type Interaction } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type Loopback } from '../src/index.js';
import { connectClient } from '../src/client.js';

let lb: Loopback;
let client: Client<true>;
let handle: (interaction: Interaction) => Promise<unknown> = async () => undefined;

const command = new SlashCommandBuilder()
  .setName('library')
  .setDescription('Articles')
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add one')
      .addAttachmentOption((o) => o.setName('file').setDescription('The article').setRequired(true))
      .addStringOption((o) => o.setName('id').setDescription('Its id')),
  );

beforeAll(async () => {
  lb = await startLoopback();
  client = await connectClient(lb);
  client.on('interactionCreate', (interaction) => void handle(interaction));
  await client.rest.put(Routes.applicationGuildCommands(lb.applicationId, lb.world.defaultGuild.id), { body: [command.toJSON()] });
});

afterAll(async () => {
  await client?.destroy();
  await lb?.close();
});

describe('files attached to a slash command', () => {
  it('GIVEN a file for an attachment option THEN the bot gets its id, name, size and type, and its URL on 127.0.0.1 serves the bytes', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('Title\n\nÀ bientôt.\n'), 0xff]);
    let seen: { id: string; name: string; size: number; contentType: string | null; url: string; body: Uint8Array; type: string | null } | undefined;
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const file = interaction.options.getAttachment('file', true);
      const response = await fetch(file.url);
      seen = { id: file.id, name: file.name, size: file.size, contentType: file.contentType, url: file.url, body: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') };
      await interaction.reply({ content: 'read', flags: MessageFlags.Ephemeral });
    };
    const run = await lb.driver.slash({ user: 'admin', name: 'library', subcommand: 'add', options: { file: { filename: 'notes.txt', bytes } } });
    await run.reply();
    expect(seen).toMatchObject({ name: 'notes.txt', size: bytes.length, contentType: 'text/plain; charset=utf-8', type: 'text/plain; charset=utf-8' });
    expect(Buffer.from(seen!.body).equals(Buffer.from(bytes))).toBe(true);
    expect(new URL(seen!.url).hostname).toBe('127.0.0.1');
    expect(lb.world.uploadsById.get(seen!.id)?.downloads).toBe(1);
    // Another id, or another channel's path, is not a file.
    expect((await fetch(seen!.url.replace(seen!.id, '1'))).status).toBe(404);
    expect((await fetch(seen!.url.replace(`/${lb.world.channels['study']!.id}/`, '/1/'))).status).toBe(404);
  });

  it('GIVEN a string for the file THEN it is sent as UTF-8, its type guessed from the name; a file the bot sends keeps its bytes', async () => {
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const file = interaction.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      await interaction.reply({ files: [new AttachmentBuilder(Buffer.from(text.toUpperCase(), 'utf8'), { name: 'back.md' })], flags: MessageFlags.Ephemeral });
    };
    const run = await lb.driver.slash({ user: 'admin', name: 'library', subcommand: 'add', options: { file: { filename: 'a.md', bytes: 'ça' } } });
    const reply = await run.reply();
    const upload = [...lb.world.uploadsById.values()].find((u) => u.filename === 'a.md');
    expect(upload?.contentType).toBe('text/markdown; charset=utf-8');
    expect(reply.attachments.map((a) => [a.filename, Buffer.from(a.bytes).toString('utf8')])).toEqual([['back.md', 'ÇA']]);
  });

  it('GIVEN a string where a file belongs, or a file where text belongs THEN the driver refuses it', async () => {
    await expect(lb.driver.slash({ user: 'admin', name: 'library', subcommand: 'add', options: { file: 'notes.txt' } })).rejects.toThrow(/option 'file' is attachment/);
    await expect(lb.driver.slash({ user: 'admin', name: 'library', subcommand: 'add', options: { file: { filename: 'a.txt', bytes: 'x' }, id: { filename: 'b.txt', bytes: 'y' } } })).rejects.toThrow(
      /option 'id' is string/,
    );
  });
});
