import type { APIEmbed } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { dailyPostView, isDailyPostOf } from '../../../src/features/daily/views.js';
import { daysOf, postOf } from '../../../src/features/plans/progress.js';
import type { Plan } from '../../../src/features/plans/store.js';
import { statusView, stoppedText } from '../../../src/features/plans/views.js';
import type { Article } from '../../../src/library/corpus.js';
import type { GuildLibrary } from '../../../src/library/library.js';
import { shippedCorpus } from '../../helpers/context.js';
import { expectWithinLimits } from '../../helpers/payload.js';

let library: GuildLibrary;
beforeAll(async () => {
  library = await shippedCorpus();
});

const planOf = (article: Article, perDay: number, changes: Partial<Plan> = {}): Plan => ({
  articleId: article.id,
  title: article.title,
  perDay,
  from: 1,
  to: article.paragraphs.length,
  day: 0,
  skipped: [],
  startedAt: '2025-01-13T01:00:00.000Z',
  startedBy: '200000000000000099',
  ...changes,
});

/** An article whose paragraphs are each `length` characters long. */
function longArticle(length: number, count: number): Article {
  const paragraphs = Array.from({ length: count }, (_, index) => ({ ref: `long:${index + 1}`, articleId: 'long', paragraph: index + 1, text: `${'word '.repeat(length / 5 - 1)}end.` }));
  return { id: 'long', title: 'A long one '.repeat(20).trim(), kind: 'essay', source: 'x'.repeat(200), file: 'long.md', paragraphs, words: 0 };
}

function render(article: Article, plan: Plan, day: number) {
  const prompt = library.prompts.prompts.reduce((longest, prompt) => (prompt.text.length > longest.text.length ? prompt : longest));
  const quote = { id: 'q', ref: `${article.id}:1`, articleId: article.id, paragraph: 1, text: '', start: 0, sentences: 0 };
  const { message } = dailyPostView({ card: { quote, prompt, article }, plan: postOf(plan, day), date: '2025-01-13', thread: true, roleId: '200000000000000030' });
  const body = expectWithinLimits(message);
  return { message, embed: (body.embeds as APIEmbed[])[0]!, button: (body.components as Array<{ components: Array<{ custom_id: string; label: string }> }>)[0]!.components[0]! };
}

describe('a plan post', () => {
  it('GIVEN every shipped article at 1 to 5 a day THEN every post and the closing post stay inside Discord limits and are found as the daily post of their date', () => {
    for (const article of library.corpus.articles) {
      for (let perDay = 1; perDay <= 5; perDay++) {
        const plan = planOf(article, perDay);
        for (let day = 1; day <= daysOf(plan) + 1; day++) {
          const { embed, message } = render(article, plan, day);
          expect(isDailyPostOf(embed, '2025-01-13')).toBe(true);
          expect(message.allowedMentions).toEqual({ parse: [], roles: ['200000000000000030'] });
        }
      }
    }
  });

  it('GIVEN a day longer than one embed THEN the whole paragraphs that fit, and a button that opens the rest', () => {
    const article = longArticle(1500, 5);
    const { embed, button } = render(article, planOf(article, 5), 1);
    expect(embed.description).toContain('**¶2**');
    expect(embed.description).not.toContain('**¶3**');
    expect(embed.fields?.find((field) => field.name === 'Continued')?.value).toContain('`long:3-5`');
    expect(button.custom_id).toBe('passage:show:long:3-5');
    expect(button.label).toBe('Read the rest (long:3-5)');
  });

  it('GIVEN a paragraph longer than one embed THEN it is shown cut and the button opens it whole with the rest', () => {
    const article = longArticle(9000, 2);
    const { embed, button } = render(article, planOf(article, 2), 1);
    expect(embed.description!.endsWith('…')).toBe(true);
    expect(button.custom_id).toBe('passage:show:long:1-2');
  });
});

describe('/plan status and stop', () => {
  it('GIVEN a plan four days in THEN "day 4 of 9, next: former-kazakhstan:5", and without one a line on how to start', () => {
    const article = library.corpus.byId.get('former-kazakhstan')!;
    const plan = planOf(article, 1, { day: 4 });
    const status = { plan, days: 9, next: { from: 5, to: 5 }, articleGone: false };
    expect(statusView(status).content).toContain('day 4 of 9, next: `former-kazakhstan:5`.');
    expect(statusView(status).content).toContain('No daily post is set up, so the plan waits');
    expect(statusView({ ...status, articleGone: true }).content).toContain('is no longer in this server');
    expect(stoppedText(status)).toContain('is stopped at day 4 of 9; the daily post goes back to quotes.');
    expect(statusView(undefined).content).toBe('No reading plan is running on this server. An admin can start one with `/plan start`.');
  });
});
