import { describe, expect, it } from 'vitest';
import { listPageId, reviewId } from '../../../src/features/prompts/ids.js';
import type { ServerPromptEntry } from '../../../src/features/prompts/service.js';
import { promptListView, reviewView } from '../../../src/features/prompts/views.js';
import { embedText, expectWithinLimits } from '../../helpers/payload.js';

const GUILD = '20000000000000001';
type Button = { custom_id: string; disabled?: boolean };
const buttons = (body: { components?: Array<Record<string, unknown>> }) => (body.components ?? []).flatMap((row) => row.components as Button[]);
const entry = (n: number, extra: Partial<ServerPromptEntry> = {}): ServerPromptEntry => ({
  id: `p-${n.toString(36)}`,
  text: `${'Why does the author claim this, '.repeat(9)}case ${n}?`,
  refs: [],
  by: '30000000000000001',
  at: '2026-12-02T08:00:00.000Z',
  ...extra,
});

describe('/prompt list', () => {
  it('GIVEN 25 long prompts THEN pages of 10 within Discord’s limits, moving with Previous / Next of this server', () => {
    const prompts = Array.from({ length: 25 }, (_, n) => entry(n + 1));
    const first = expectWithinLimits(promptListView(GUILD, prompts));
    expect(embedText(first)).toContain('Page 1 of 3');
    expect(embedText(first)).toContain('`p-a`');
    expect(embedText(first)).not.toContain('`p-b`');
    const [prev, next] = buttons(first);
    expect(prev!.disabled).toBe(true);
    expect(listPageId.decode(next!.custom_id)).toEqual({ guildId: GUILD, page: 1, direction: 'next' });
    const last = expectWithinLimits(promptListView(GUILD, prompts, 7));
    expect(embedText(last)).toContain('Page 3 of 3');
    expect(buttons(last)[1]!.disabled).toBe(true);
  });

  it('GIVEN few prompts THEN no page buttons; GIVEN none THEN how to add one', () => {
    expect(buttons(expectWithinLimits(promptListView(GUILD, [entry(1, { ref: 'former-kazakhstan:2', refs: ['former-kazakhstan:2'] })])))).toEqual([]);
    expect(embedText(expectWithinLimits(promptListView(GUILD, [])))).toContain('/prompt suggest');
  });
});

describe('/prompt review', () => {
  it('GIVEN suggestions THEN the oldest with Approve / Reject ids of this server, and a member’s mention that pings nobody', () => {
    const view = reviewView(GUILD, [entry(1, { text: '@everyone what do <@&123> think of this?' }), entry(2)]);
    expect(view.allowedMentions).toEqual({ parse: [] });
    const body = expectWithinLimits(view);
    expect(embedText(body)).toContain('1 of 2 waiting');
    expect(buttons(body).map((button) => reviewId.decode(button.custom_id))).toEqual([
      { guildId: GUILD, promptId: 'p-1', verdict: 'approve' },
      { guildId: GUILD, promptId: 'p-1', verdict: 'reject' },
    ]);
  });

  it('GIVEN an empty queue THEN a sentence and no buttons', () => {
    const body = expectWithinLimits(reviewView(GUILD, [], 'Rejected `p-1`.'));
    expect(body.content).toBe('Rejected `p-1`. No suggestions are waiting for review.');
    expect(buttons(body)).toEqual([]);
  });
});

describe('prompt custom ids', () => {
  it('GIVEN a forged or foreign id THEN it decodes to nothing', () => {
    expect(reviewId.decode('prompt:review:123:p-1:delete')).toBeUndefined();
    expect(reviewId.decode('prompt:review:abc:p-1:approve')).toBeUndefined();
    expect(reviewId.decode('prompt:review:123:../x:approve')).toBeUndefined();
    expect(listPageId.decode('prompt:page:123:-1:prev')).toBeUndefined();
  });
});
