import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/features/settings/service.js';
import { settingsView } from '../../../src/features/settings/views.js';
import { toBody } from '../../helpers/payload.js';

/** `/settings show` as lines: `name: value (default)` → what that value does. */
function shown(settings: typeof DEFAULT_SETTINGS): Record<string, string> {
  const embed = (toBody(settingsView(settings)).embeds as APIEmbed[])[0]!;
  return Object.fromEntries(embed.fields!.map((field) => [field.name, field.value]));
}

describe('/settings show', () => {
  it('GIVEN the defaults THEN each line says what its value does, in the schema order', () => {
    expect(shown(DEFAULT_SETTINGS)).toEqual({
      'public_replies: false (default)': 'Lookups are shown only to the member who asks; they can add `public:true` to share one.',
      'results_per_page: 5 (default)': 'Search shows 5 results per page (1 to 10).',
      'prompt_style: mixed (default)': 'Quotes come with prompts of both styles, critical and reflective.',
      'cooldown_seconds: 10 (default)': 'A member waits 10 seconds between posts to the channel: polls, public lookups, /daily now, notes (0 to 3600).',
      'shipped_articles: true (default)': "The articles that come with Marginalia are in this server's library, next to the ones its admins add.",
      'history_days: 365 (default)': 'What the group discussed, its poll results and notes are kept 365 days, then deleted (30 to 3650).',
    });
  });

  it('GIVEN other values THEN the lines describe those values, not the defaults', () => {
    const lines = shown({ public_replies: true, results_per_page: 1, prompt_style: 'critical', cooldown_seconds: 0, shipped_articles: false, history_days: 30 });
    expect(lines['public_replies: true']).toBe('Lookups are shown to the whole channel; a member can add `public:false` to see one alone.');
    expect(lines['results_per_page: 1']).toBe('Search shows 1 result per page (1 to 10).');
    expect(lines['prompt_style: critical']).toBe('Quotes come with critical prompts: the claim, its evidence, who is speaking.');
    expect(lines['cooldown_seconds: 0']).toMatch(/^Members post to the channel .* without waiting/);
    expect(lines['shipped_articles: false']).toMatch(/^Only the articles this server's admins add are in its library/);
    expect(lines['history_days: 30']).toMatch(/kept 30 days, then deleted/);
    expect(shown({ ...DEFAULT_SETTINGS, prompt_style: 'reflective' })['prompt_style: reflective']).toMatch(/^Quotes come with reflective prompts/);
  });
});
