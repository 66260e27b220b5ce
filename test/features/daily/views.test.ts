import type { APIEmbed } from 'discord.js';
import { embedLength } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QuoteCard } from '../../../src/features/daily/card.js';
import type { DailySchedule } from '../../../src/features/daily/store.js';
import { postedView, quoteMessage, setView, statusView, threadName, type QuoteMessage } from '../../../src/features/daily/views.js';
import type { Article } from '../../../src/library/corpus.js';
import type { GuildLibrary } from '../../../src/library/library.js';
import type { Quote } from '../../../src/library/quotes.js';
import { LIMITS } from '../../../src/lib/ui/limits.js';
import { shippedCorpus } from '../../helpers/context.js';
import { toBody } from '../../helpers/payload.js';

const GUILD = '200000000000000001';
const schedule: DailySchedule = {
  channelId: '200000000000000010',
  time: '09:00',
  timezone: 'Asia/Almaty',
  days: [1, 2, 3, 4, 5],
  thread: true,
  roleId: '200000000000000030',
  setAt: '2025-01-13T01:00:00.000Z',
};
const next = new Date('2025-01-13T04:00:00Z');
const unix = Math.floor(+next / 1000);

let library: GuildLibrary;

beforeAll(async () => {
  library = await shippedCorpus();
});

function cards(): QuoteCard[] {
  return library.quotes.flatMap((quote) => library.prompts.prompts.map((prompt) => ({ quote, prompt, article: library.corpus.byId.get(quote.articleId)! })));
}

type Button = { custom_id: string; label: string };
const embedOf = (message: QuoteMessage) => (toBody(message).embeds as APIEmbed[])[0]!;
const buttonOf = (message: QuoteMessage) => (toBody(message).components as Array<{ components: Button[] }>)[0]!.components[0]!;
const fieldsOf = (reply: QuoteMessage) => (toBody(reply).embeds as APIEmbed[] | undefined)?.[0]?.fields ?? [];

describe('quoteMessage', () => {
  it('GIVEN every quote with every prompt THEN the message stays inside Discord limits', () => {
    for (const card of cards()) {
      const message = quoteMessage(card, { kind: 'daily', roleId: '200000000000000030' });
      const embed = embedOf(message);
      expect(embed.title!.length).toBeLessThanOrEqual(LIMITS.embedTitle);
      expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.embedDescription);
      expect(embed.fields!.length).toBeLessThanOrEqual(LIMITS.embedFields);
      for (const field of embed.fields!) expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      expect(embed.footer!.text.length).toBeLessThanOrEqual(LIMITS.footer);
      expect(embedLength(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
      expect((message.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
      const button = buttonOf(message);
      expect(button.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
      expect(button.label.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
      const name = threadName(card.prompt);
      expect(name.length).toBeGreaterThan(0);
      expect(name.length).toBeLessThanOrEqual(100);
    }
  });

  it('GIVEN a card THEN the quote, its reference and article title, the prompt and a passage button', () => {
    const quote = library.quotes.find((candidate) => candidate.ref === 'former-kazakhstan:9')!;
    const prompt = library.prompts.prompts.find((candidate) => candidate.refs.includes('former-kazakhstan:9'))!;
    const article = library.corpus.byId.get('former-kazakhstan')!;
    const message = quoteMessage({ quote, prompt, article }, { kind: 'daily' });
    const embed = embedOf(message);
    expect(embed.description).toContain(quote.text);
    expect(embed.title).toBe(article.title);
    expect(embed.footer!.text).toMatch(/^former-kazakhstan:9 · interview/);
    expect(embed.fields![0]!.value).toBe(prompt.text);
    expect(buttonOf(message).custom_id).toBe('passage:show:former-kazakhstan:9');
  });

  it('GIVEN a role THEN only that role is pinged; without one, nobody', () => {
    const card = cards()[0]!;
    const withRole = quoteMessage(card, { kind: 'daily', roleId: '200000000000000030' });
    expect(withRole.content).toBe('<@&200000000000000030>');
    expect(withRole.allowedMentions).toEqual({ parse: [], roles: ['200000000000000030'] });
    const without = quoteMessage(card, { kind: 'quote' });
    expect(without.content).toBeUndefined();
    expect(without.allowedMentions).toEqual({ parse: [] });
  });

  it('GIVEN corpus text with @everyone or markdown THEN it is shown as text and pings nobody', () => {
    const article: Article = { id: 'x', title: 'X', kind: 'test', file: 'x.md', words: 3, paragraphs: [] };
    const quote: Quote = { id: 'x:1@0', ref: 'x:1', articleId: 'x', paragraph: 1, text: '@everyone look at *this* <@&1>', start: 0, sentences: 1 };
    const message = quoteMessage({ quote, prompt: library.prompts.prompts[0]!, article }, { kind: 'quote' });
    expect(message.allowedMentions.parse).toEqual([]);
    expect(embedOf(message).description).toContain('\\*this\\*');
  });
});

describe('threadName', () => {
  it('GIVEN a prompt that fits THEN it is the name', () => {
    expect(threadName({ text: 'What is the main claim here?' })).toBe('What is the main claim here?');
  });

  it('GIVEN a prompt with its own thread name THEN that is the name', () => {
    expect(threadName({ text: 'A long prompt about the CSTO troops in both texts. Who acts in each account?', thread: 'CSTO troops: who acts in each text?' })).toBe(
      'CSTO troops: who acts in each text?',
    );
  });

  it('GIVEN the curated prompts THEN each one longer than a thread name has its own', () => {
    for (const prompt of library.prompts.prompts) if (prompt.text.length > 100) expect(prompt.thread, prompt.text).toBeDefined();
  });

  it('GIVEN a long prompt ending in a question that stands alone THEN the question is the name', () => {
    const prompt = 'The column names no author, date or place of publication. How does not knowing who wrote it change how much weight you give its claims?';
    expect(threadName({ text: prompt })).toBe('How does not knowing who wrote it change how much weight you give its claims?');
  });

  it('GIVEN a long single question THEN it is cut at a word, within 100 characters', () => {
    const name = threadName({ text: `Why ${'really '.repeat(30)}now?` });
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name.endsWith('…')).toBe(true);
    expect(name).not.toMatch(/real…$/);
  });
});

describe('daily replies', () => {
  it('GIVEN /daily set THEN the next post in the server timezone and as Discord timestamps', () => {
    const reply = setView(GUILD, { schedule, next });
    expect(reply.content).toContain('Monday 13 January 2025, 09:00 (Asia/Almaty)');
    expect(reply.content).toContain(`<t:${unix}:F>`);
    expect(reply.content).toContain(`<t:${unix}:R>`);
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(fieldsOf(reply).map((field) => field.value)).toContain('weekdays');
    expect(reply.content!.length).toBeLessThanOrEqual(LIMITS.content);
  });

  it('GIVEN /daily status THEN the schedule, the next post and the last post with its link', () => {
    const lastPost = { messageId: '200000000000000099', channelId: schedule.channelId, date: '2025-01-10', at: '2025-01-10T04:00:05.000Z' };
    const reply = statusView(GUILD, { schedule: { ...schedule, lastPost }, next });
    const text = fieldsOf(reply).map((field) => `${field.name}: ${field.value}`).join('\n');
    expect(text).toContain(`Next post: Monday 13 January 2025, 09:00 (Asia/Almaty)`);
    expect(text).toContain(`https://discord.com/channels/${GUILD}/${schedule.channelId}/${lastPost.messageId}`);
    expect(text).toContain(`<@&${schedule.roleId}>`);
  });

  it('GIVEN a paused schedule THEN status says why and how to resume, and no next post', () => {
    const reply = statusView(GUILD, { schedule: { ...schedule, pausedReason: 'I am missing the **Send Messages** permission in <#1>.' } });
    const text = fieldsOf(reply).map((field) => `${field.name}: ${field.value}`).join('\n');
    expect(text).toContain('Paused: I am missing the **Send Messages** permission');
    expect(text).toContain('/daily set');
    expect(text).not.toContain('Next post');
  });

  it('GIVEN no schedule THEN status says how to start one', () => {
    expect(statusView(GUILD, undefined).content).toMatch(/No daily post is set up.*\/daily set/);
  });

  it('GIVEN /daily now THEN the link to the post', () => {
    const reply = postedView(GUILD, { lastPost: { channelId: '1', messageId: '2', date: '2025-01-13' } });
    expect(reply.content).toContain(`https://discord.com/channels/${GUILD}/1/2`);
  });
});
