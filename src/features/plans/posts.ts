import type { Article, Passage } from '../../library/corpus.js';
import type { GuildLibrary } from '../../library/library.js';
import { choosePrompt, promptTiers, type PromptStyleChoice } from '../../library/prompts.js';
import type { Quote } from '../../library/quotes.js';
import { formatRef } from '../../library/references.js';
import type { Logger } from '../../lib/logger.js';
import type { Store } from '../../lib/store.js';
import type { QuoteCard } from '../daily/card.js';
import { afterPost, articleOf, dayOfPost, dueDay, postOf, type PlanPost } from './progress.js';
import { createPlanStore } from './store.js';

/** What the prompt is chosen with: the server's style and its latest prompts (the daily rotation's). */
interface PromptChoice {
  style: PromptStyleChoice;
  recent: readonly string[];
}

/** A paragraph read whole: prompts are paired with what the reader sees, so a tied prompt fits when its words are anywhere in the paragraph. */
function wholeParagraph(passage: Passage): Quote {
  return { id: `${passage.ref}@0`, ref: passage.ref, articleId: passage.articleId, paragraph: passage.paragraph, text: passage.text, start: 0, sentences: 0 };
}

/**
 * The card of a plan's post: the prompt tied to one of the day's paragraphs when there is
 * one (choosePrompt's tiers, in the server's style), else an article or general prompt.
 * The closing post looks back on the whole article: its card stands for the range read,
 * which no prompt is tied to.
 */
function planCard(shelf: GuildLibrary, article: Article, post: PlanPost, seed: string, choice: PromptChoice): QuoteCard {
  let quote: Quote;
  if (post.kind === 'reading') {
    const read = article.paragraphs.slice(post.from - 1, post.to).map(wholeParagraph);
    quote = read.find((paragraph) => promptTiers(shelf.prompts, paragraph, 'mixed')[0]!.length > 0) ?? read[0]!;
  } else {
    const ref = formatRef(article.id, 1, article.paragraphs.length);
    quote = { id: `${ref}@0`, ref, articleId: article.id, paragraph: 1, text: '', start: 0, sentences: 0 };
  }
  return { quote, prompt: choosePrompt(shelf.prompts, quote, choice.style, seed, { recent: choice.recent }), article };
}

interface PlannedPost {
  card: QuoteCard;
  plan: PlanPost;
}

/**
 * The reading plan as the daily post reads it: the post a date gets while a plan runs,
 * and the plan moved on once that post is made. The daily service calls these under its
 * guard of the date, so each posted day moves the plan once, whatever retries or
 * restarts happen on the way.
 */
export function createPlanPosts(store: Store, logger: Logger) {
  const plans = createPlanStore(store, logger);
  return {
    /** The plan's post for `date` (without one: the next new post), or undefined when no plan runs and the quotes go on. */
    async next(guildId: string, shelf: GuildLibrary, choice: PromptChoice, date?: string): Promise<PlannedPost | undefined> {
      const plan = await plans.get(guildId);
      const day = plan && dueDay(plan, date);
      if (!plan || day === undefined) return undefined;
      const article = articleOf(shelf.corpus, plan);
      if (!article) {
        // /plan status says so, and the quotes go on meanwhile.
        logger.warn({ guildId, articleId: plan.articleId }, 'reading plan article is gone; posting a quote');
        return undefined;
      }
      const post = postOf(plan, day);
      return { card: planCard(shelf, article, post, guildId, choice), plan: post };
    },

    /** The post of `date` was made (or found after a crash): the plan moves on, once for the date. */
    async posted(guildId: string, date: string, post: PlanPost): Promise<void> {
      const plan = await plans.get(guildId);
      if (!plan || plan.startedAt !== post.startedAt) return; // stopped, or replaced, while the post was under way
      const after = afterPost(plan, date, dayOfPost(post));
      if (after === plan) return;
      await plans.save(guildId, after);
      logger.info({ guildId, articleId: plan.articleId, date, day: dayOfPost(post), ended: after.endedOn !== undefined }, 'reading plan moved on');
    },
  };
}
