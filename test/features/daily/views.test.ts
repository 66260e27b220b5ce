import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { DailySchedule } from '../../../src/features/daily/store.js';
import { postedView, setView, statusView } from '../../../src/features/daily/views.js';
import { LIMITS } from '../../../src/lib/ui/limits.js';

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

const fieldsOf = (reply: { embeds?: readonly unknown[] }) => ((reply.embeds?.[0] ?? { fields: [] }) as APIEmbed).fields ?? [];

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
