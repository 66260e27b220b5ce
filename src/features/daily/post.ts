import { ButtonStyle, ComponentType, escapeMarkdown, type APIEmbed, type BaseMessageOptions, type MessageMentionOptions } from 'discord.js';
import type { Article } from '../../library/corpus.js';
import { showId } from '../passage/ids.js';
import { passageFooter } from '../passage/passage-view.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import type { Prompt } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';

export const DAILY_COLOUR = 0x9b6a8f;
export const THREAD_NAME_MAX = 100;

/** A quote with the prompt chosen for it and the article it comes from. */
export interface QuoteCard {
  quote: Quote;
  prompt: Prompt;
  article: Article;
}

/** A message that always says who it may ping: nobody, or the one role an admin chose. */
export type QuoteMessage = BaseMessageOptions & { allowedMentions: MessageMentionOptions };

export interface QuoteMessageOptions {
  /** `daily` for the scheduled post and its preview, `quote` for /quote. */
  kind: 'daily' | 'quote';
  /** The role pinged by the daily post; nothing is pinged without one. */
  roleId?: string;
}

/**
 * The daily post and /quote share this format: the quote in an embed with its article
 * and reference, the discussion prompt, and a button that opens the whole passage.
 */
export function quoteMessage(card: QuoteCard, options: QuoteMessageOptions): QuoteMessage {
  const { quote, prompt, article } = card;
  const embed: APIEmbed = {
    color: DAILY_COLOUR,
    author: { name: options.kind === 'daily' ? 'Quote of the day' : 'A quote to discuss' },
    title: truncate(article.title, LIMITS.embedTitle),
    description: `> ${escapeMarkdown(quote.text)}`,
    fields: [{ name: 'Discuss', value: truncate(escapeMarkdown(prompt.text), LIMITS.fieldValue) }],
    footer: { text: passageFooter({ article, from: quote.paragraph, to: quote.paragraph }) },
  };
  const message: QuoteMessage = {
    embeds: [embed],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: showId.encode(quote.ref),
            label: `Read the whole passage (${truncate(quote.ref, 50)})`,
            emoji: { name: '📖' },
          },
        ],
      },
    ],
    allowedMentions: options.roleId ? { parse: [], roles: [options.roleId] } : { parse: [] },
  };
  if (options.roleId) message.content = `<@&${options.roleId}>`;
  return message;
}

/**
 * The thread's name: the prompt's own `thread` name, else the whole prompt when it fits
 * in 100 characters, else its closing question when that is long enough to stand
 * alone, else the prompt cut at a word.
 */
export function threadName(prompt: Pick<Prompt, 'text' | 'thread'>): string {
  if (prompt.thread) return truncate(prompt.thread, THREAD_NAME_MAX);
  const text = prompt.text.replace(/\s+/g, ' ').trim();
  if (text.length <= THREAD_NAME_MAX) return text;
  const question = /(?:^|[.!?]["”’]?\s)([^.!?]+\?)$/.exec(text)?.[1]?.trim();
  if (question && question.length >= 30 && question.length <= THREAD_NAME_MAX) return question;
  return truncate(text, THREAD_NAME_MAX);
}

