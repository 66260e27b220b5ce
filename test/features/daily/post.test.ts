import type { APIEmbed } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, type Article, type Corpus } from '../../../src/library/corpus.js';
import { LIMITS } from '../../../src/lib/ui/limits.js';
import { embedLength } from 'discord.js';
import { quoteMessage, threadName, type QuoteCard } from '../../../src/features/daily/post.js';
import { loadPrompts, type PromptSet } from '../../../src/library/prompts.js';
import { extractQuotes, type Quote } from '../../../src/library/quotes.js';

let corpus: Corpus;
let quotes: Quote[];
let prompts: PromptSet;

beforeAll(async () => {
  corpus = await loadCorpus('corpus');
  quotes = extractQuotes(corpus);
  prompts = await loadPrompts('corpus', corpus, quotes);
});

function cards(): QuoteCard[] {
  return quotes.flatMap((quote) => prompts.prompts.map((prompt) => ({ quote, prompt, article: corpus.byId.get(quote.articleId)! })));
}

type Button = { custom_id: string; label: string };
const buttonOf = (message: ReturnType<typeof quoteMessage>) => (message.components![0] as { components: Button[] }).components[0]!;

describe('quoteMessage', () => {
  it('GIVEN every quote with every prompt THEN the message stays inside Discord limits', () => {
    for (const card of cards()) {
      const message = quoteMessage(card, { kind: 'daily', roleId: '200000000000000030' });
      const embed = message.embeds![0] as APIEmbed;
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
    const quote = quotes.find((candidate) => candidate.ref === 'former-kazakhstan:9')!;
    const prompt = prompts.prompts.find((candidate) => candidate.refs.includes('former-kazakhstan:9'))!;
    const article = corpus.byId.get('former-kazakhstan')!;
    const message = quoteMessage({ quote, prompt, article }, { kind: 'daily' });
    const embed = message.embeds![0] as APIEmbed;
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
    const message = quoteMessage({ quote, prompt: prompts.prompts[0]!, article }, { kind: 'quote' });
    expect(message.allowedMentions.parse).toEqual([]);
    expect((message.embeds![0] as APIEmbed).description).toContain('\\*this\\*');
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
    for (const prompt of prompts.prompts) if (prompt.text.length > 100) expect(prompt.thread, prompt.text).toBeDefined();
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
