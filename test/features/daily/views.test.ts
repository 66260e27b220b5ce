import type { APIEmbed } from 'discord.js';
import { embedLength } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QuoteCard } from '../../../src/features/daily/card.js';
import type { DailySchedule } from '../../../src/features/daily/store.js';
import { dailyPostView, isDailyPostOf, notPostedText, offText, postedView, quoteMessage, readAsNote, setView, statusView, threadName, type QuoteMessage } from '../../../src/features/daily/views.js';
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

describe('the daily post\'s date', () => {
  it('GIVEN the post of a date THEN its footer ends with the date, and only that date\'s post by the bot is recognised', () => {
    const card = cards()[0]!;
    const { message } = dailyPostView({ card, date: '2025-01-13', thread: true });
    const embed = embedOf(message);
    expect(embed.footer!.text).toMatch(/^former-kazakhstan:\d+ · .* · 2025-01-13$|^why-putin-interferes:\d+ · .* · 2025-01-13$/);
    expect(isDailyPostOf(embed, '2025-01-13')).toBe(true);
    expect(isDailyPostOf(embed, '2025-01-14')).toBe(false);
    // /quote uses the same card, with no date and another author line.
    expect(isDailyPostOf(embedOf(quoteMessage(card, { kind: 'quote' })), '2025-01-13')).toBe(false);
    expect(isDailyPostOf(undefined, '2025-01-13')).toBe(false);
  });

  it('GIVEN the longest footer THEN the date still fits and ends it', () => {
    const article: Article = { id: 'x', title: 'X', kind: 'test', file: 'x.md', words: 3, paragraphs: [], source: 's'.repeat(3000) };
    const quote: Quote = { id: 'x:1@0', ref: 'x:1', articleId: 'x', paragraph: 1, text: 'A sentence.', start: 0, sentences: 1 };
    const embed = embedOf(dailyPostView({ card: { quote, prompt: library.prompts.prompts[0]!, article }, date: '2025-01-13', thread: false }).message);
    expect(embed.footer!.text.length).toBeLessThanOrEqual(LIMITS.footer);
    expect(isDailyPostOf(embed, '2025-01-13')).toBe(true);
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
  it('GIVEN /daily set THEN one labelled line gives the next post in the server timezone and in the reader\'s, and the embed does not repeat it', () => {
    const reply = setView(GUILD, { schedule, next });
    expect(reply.content).toBe(`The daily post is set. **Next post:** Monday 13 January 2025, 09:00 (Asia/Almaty), that is <t:${unix}:f> your time (<t:${unix}:R>).`);
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(fieldsOf(reply).map((field) => field.value)).toContain('weekdays');
    expect(fieldsOf(reply).map((field) => field.name)).not.toContain('Next post');
  });

  it('GIVEN a timezone typed as an abbreviation or a prefix THEN the set reply says how it was read; the zone itself needs no note', () => {
    expect(readAsNote('EST', 'America/New_York')).toEqual(['`EST` is read as **America/New_York**.']);
    expect(readAsNote(' alma ', 'Asia/Almaty')).toEqual(['`alma` is read as **Asia/Almaty**.']);
    expect(readAsNote('asia/almaty', 'Asia/Almaty')).toEqual([]);
    expect(readAsNote(null, 'UTC')).toEqual([]);
    expect(setView(GUILD, { schedule, next }, readAsNote('almat', 'Asia/Almaty')).content!.split('\n')[1]).toBe('`almat` is read as **Asia/Almaty**.');
  });

  it('GIVEN a schedule turned off THEN status keeps its setup and says how to turn it back on; off says the setup is kept', () => {
    const reply = statusView(GUILD, { schedule: { ...schedule, offAt: '2025-01-12T10:00:00.000Z' } });
    expect(toBody(reply)).toMatchObject({ embeds: [{ title: 'Daily post (off)' }] });
    const text = fieldsOf(reply).map((field) => `${field.name}: ${field.value}`).join('\n');
    expect(text).toContain('Time: 09:00 Asia/Almaty');
    expect(text).toContain('Off: Turned off <t:1736676000:R>. `/daily set` with no options turns it back on as shown here.');
    expect(text).not.toContain('Next post');
    expect(offText('off')).toMatch(/^The daily post is off; its setup is kept\. `\/daily set` with no options turns it back on/);
    expect(offText('already off')).toMatch(/^The daily post was already off/);
    expect(offText('none')).toBe('There was no daily post to stop on this server.');
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

  it('GIVEN a post not confirmed, failing, or out of retries THEN status says which, with the next try', () => {
    const at = new Date('2025-01-13T04:00:00Z');
    const retryAt = new Date('2025-01-13T04:02:00Z');
    const field = (unfinished: Parameters<typeof statusView>[1] & object) => fieldsOf(statusView(GUILD, unfinished)).find((f) => f.name === 'Post of 2025-01-13')?.value;
    expect(field({ schedule, next, unfinished: { date: '2025-01-13', at, tries: 1, retryAt } })).toBe(
      `Not confirmed yet: a try started <t:${+at / 1000}:R> and Discord has not confirmed the post. Before posting again I look for it in <#${schedule.channelId}>, so it is made once. Next try <t:${+retryAt / 1000}:F> (<t:${+retryAt / 1000}:R>).`,
    );
    expect(field({ schedule, next, unfinished: { date: '2025-01-13', at, tries: 2, failure: 'Discord answered 502 Bad Gateway.', retryAt } })).toBe(
      `Try 2 failed: Discord answered 502 Bad Gateway. Next try <t:${+retryAt / 1000}:F> (<t:${+retryAt / 1000}:R>).`,
    );
    expect(field({ schedule, next, unfinished: { date: '2025-01-13', at, tries: 16, failure: 'Discord answered 500 Internal Server Error' } })).toBe(
      'Try 16 failed: Discord answered 500 Internal Server Error. No more tries: the post would be over 6 hours late, so no post is made for that date.',
    );
  });

  it('GIVEN /daily now while another try holds the date, or failing THEN one sentence each', () => {
    const since = new Date('2025-01-13T04:00:00Z');
    const checkAt = new Date('2025-01-13T04:02:05Z');
    for (const text of [
      notPostedText(GUILD, { kind: 'pending', date: '2025-01-13', since, checkAt }),
      notPostedText(GUILD, { kind: 'failed', date: '2025-01-13', reason: 'Discord answered 500 Internal Server Error', retryAt: checkAt }),
      notPostedText(GUILD, { kind: 'failed', date: '2025-01-13', reason: 'Discord answered 500 Internal Server Error' }),
    ]) {
      expect(text.split(/[.;:] [A-Z]/)).toHaveLength(1);
      expect(text).toMatch(/[.]$/);
    }
  });

  it('GIVEN the role of a schedule deleted THEN status says posts go out without a ping', () => {
    const { roleId, ...rest } = schedule;
    const text = fieldsOf(statusView(GUILD, { schedule: { ...rest, deletedRoleId: roleId }, next })).find((f) => f.name === 'Ping')?.value;
    expect(text).toMatch(/^nobody: the role it pinged was deleted/);
  });

  it('GIVEN /daily now THEN the link to the post', () => {
    const reply = postedView(GUILD, { lastPost: { channelId: '1', messageId: '2', date: '2025-01-13' } });
    expect(reply.content).toContain(`https://discord.com/channels/${GUILD}/1/2`);
  });
});
