import { describe, expect, it } from 'vitest';
import { createCooldownService } from '../../../src/features/cooldowns/service.js';
import { cooldownRefusal } from '../../../src/features/cooldowns/views.js';
import { UserError } from '../../../src/lib/errors.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const ANA = '200000000000000001';
const BEN = '200000000000000002';
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** The service on a clock the test moves, with the server's cooldown the test sets. */
function cooldowns(seconds = 10) {
  const clock = { now: START };
  const server = { cooldown_seconds: seconds };
  const service = createCooldownService({ settings: { get: async () => server }, refusal: cooldownRefusal, now: () => clock.now });
  let posts = 0;
  const post = (guildId = GUILD, userId = ANA) =>
    service.posting(guildId, userId, async () => {
      posts += 1;
      return 'posted';
    });
  return { service, clock, server, post, posts: () => posts };
}

describe('cooldowns', () => {
  it('GIVEN a post THEN the same member is refused for cooldown_seconds with when they can post again, and nothing is posted', async () => {
    const { clock, post, posts } = cooldowns(10);
    expect(await post()).toBe('posted');
    clock.now += 9_500;
    const refusal = await post().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as UserError).message).toBe(`You posted to the channel a moment ago; you can post again <t:${(START + 10_000) / 1000}:R>.`);
    expect(posts()).toBe(1);
    clock.now = START + 10_000;
    expect(await post()).toBe('posted');
    expect(posts()).toBe(2);
  });

  it('GIVEN one member in cooldown THEN other members, and the same member in another server, still post', async () => {
    const { post, posts } = cooldowns(60);
    await post(GUILD, ANA);
    await expect(post(GUILD, ANA)).rejects.toThrow(UserError);
    await post(GUILD, BEN);
    await post(OTHER_GUILD, ANA);
    expect(posts()).toBe(3);
  });

  it('GIVEN cooldown_seconds 0 THEN there is no cooldown; GIVEN it changed THEN it applies to the last post at once', async () => {
    const { post, posts, server, clock } = cooldowns(0);
    await post();
    await post();
    expect(posts()).toBe(2);
    server.cooldown_seconds = 3600;
    clock.now += 60_000;
    await expect(post()).rejects.toThrow(`<t:${(START + 3_600_000) / 1000}:R>`);
    server.cooldown_seconds = 30;
    expect(await post()).toBe('posted');
  });

  it('GIVEN a post that fails (a refusal or an error) THEN it does not count', async () => {
    const { service, post } = cooldowns(10);
    await expect(service.posting(GUILD, ANA, () => Promise.reject(new UserError('That poll needs at least 2 options.')))).rejects.toThrow('at least 2');
    expect(await post()).toBe('posted');
  });

  it('GIVEN two posts of one member at once THEN one is posted and the other refused', async () => {
    const { post, posts } = cooldowns(10);
    const results = await Promise.allSettled([post(), post()]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(posts()).toBe(1);
  });

  it('GIVEN a failed post after an earlier one THEN the earlier one still counts', async () => {
    const { service, clock, post } = cooldowns(10);
    await post();
    clock.now += 10_000;
    await expect(service.posting(GUILD, ANA, () => Promise.reject(new Error('Discord said no')))).rejects.toThrow('Discord said no');
    expect(await post()).toBe('posted');
    clock.now += 1_000;
    await expect(post()).rejects.toThrow(UserError);
  });
});
