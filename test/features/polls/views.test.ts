import { embedLength } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { applyVote, applyVotes, type Poll } from '../../../src/features/polls/poll.js';
import { voteId } from '../../../src/features/polls/ids.js';
import { pollResultsView, pollView, resultBar } from '../../../src/features/polls/views.js';
import { samplePoll, sent } from './fixtures.js';


function withVotes(poll: Poll, count: number): Poll {
  const clicks = Array.from({ length: count }, (_, i) => ({ userId: `3000000000000${String(i).padStart(5, '0')}`, option: i % poll.options.length }));
  return applyVotes(poll, clicks, (userId) => userId).poll;
}

describe('pollView', () => {
  it('GIVEN 10 answers of 80 characters and a 300-character question THEN stays inside Discord’s limits', () => {
    const options = Array.from({ length: 10 }, (_, i) => `${i + 1} ${'*_~'.repeat(30)}`.slice(0, 80));
    const poll = withVotes(samplePoll({ question: '@everyone '.repeat(30).slice(0, 300), options, multiple: true }), 999);
    for (const view of [poll, { ...poll, closedAt: poll.closesAt }]) {
      const message = sent(pollView(view));
      const embed = message.embeds[0]!;
      expect(embed.title!.length).toBeLessThanOrEqual(256);
      expect(embed.description!.length).toBeLessThanOrEqual(4096);
      expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
      expect(embedLength(embed)).toBeLessThanOrEqual(6000);
      expect(message.components.length).toBeLessThanOrEqual(5);
      for (const row of message.components) {
        expect(row.components.length).toBeLessThanOrEqual(5);
        for (const button of row.components) {
          expect(button.custom_id.length).toBeLessThanOrEqual(100);
          expect(button.label!.length).toBeGreaterThan(0);
          expect(button.label!.length).toBeLessThanOrEqual(80);
        }
      }
      expect(message.components.flatMap((row) => row.components)).toHaveLength(10);
    }
  });

  it('GIVEN votes THEN the question is the title, bars show percent and count, the deadline is a timestamp, the text says who started it, and no id shows', () => {
    let poll = samplePoll();
    poll = applyVote(poll, '200000000000000001', 0).poll;
    poll = applyVote(poll, '200000000000000002', 0).poll;
    poll = applyVote(poll, '200000000000000003', 1).poll;
    poll = applyVote(poll, '200000000000000005', 2).poll;
    const { content, embeds, components, allowedMentions } = sent(pollView(poll));
    expect(embeds[0]!.title).toBe('Is the author’s claim supported?');
    const text = embeds[0]!.description!;
    expect(text.split('\n')[0]).toBe('**1.** Yes');
    expect(text).toContain('█████░░░░░ 50% (2)');
    expect(text).toContain('███░░░░░░░ 25% (1)');
    expect(text).toContain(`<t:${poll.closesAt / 1000}:R>`);
    expect(text).not.toContain('each could choose');
    // The text is what Discord previews above the results reply, instead of "Click to see attachment".
    expect(content).toBe('📊 **Poll** by <@100000000000000004> · vote with the buttons below');
    expect(embeds[0]!.footer!.text).toBe('4 voters · one answer each · only counts are shown');
    expect(JSON.stringify(embeds)).not.toContain(poll.id);
    expect(allowedMentions).toEqual({ parse: [] });
    expect(components[0]!.components.every((button) => !button.disabled)).toBe(true);
  });

  it('GIVEN a closed poll THEN marks the winner, disables the buttons and says when it closed', () => {
    let poll = applyVote(samplePoll(), '200000000000000001', 1).poll;
    poll = { ...poll, closedAt: poll.closesAt };
    const { content, embeds, components } = sent(pollView(poll));
    expect(content).toBe('📊 **Poll closed** · final results below · started by <@100000000000000004>');
    expect(embeds[0]!.title).toBe('Is the author’s claim supported?');
    expect(embeds[0]!.description).toContain('**2.** No 🏆');
    expect(embeds[0]!.description).toContain(`Closed <t:${poll.closesAt / 1000}:R>`);
    expect(components.flatMap((row) => row.components).every((button) => button.disabled)).toBe(true);
    expect(sent(pollResultsView(poll)).content).toMatch(/Winner: \*\*No\*\* with 1 of 1 voter \(100%\)/);
  });

  it('GIVEN a multi-answer poll THEN the percentages are said to be shares of the voters, who could each choose several', () => {
    let poll = samplePoll({ multiple: true });
    for (const [voter, option] of [['200000000000000001', 0], ['200000000000000001', 1], ['200000000000000002', 0], ['200000000000000002', 2], ['200000000000000003', 0]] as const) {
      poll = applyVote(poll, voter, option).poll;
    }
    const { embeds } = sent(pollView(poll));
    const lines = embeds[0]!.description!.split('\n');
    expect(lines).toContain('██████████ 100% (3)');
    expect(lines).toContain('███░░░░░░░ 33% (1)');
    expect(lines[lines.indexOf('███░░░░░░░ 33% (1)', lines.indexOf('**3.** Partly')) + 1]).toBe('*% of 3 voters; each could choose several answers.*');
    expect(embeds[0]!.footer!.text).toBe('3 voters · several answers each · only counts are shown');
  });

  it('GIVEN a question longer than a title THEN the title is cut at a word and the whole question opens the description', () => {
    const question = `${'Which of the two accounts of the January events '.repeat(6)}is fairer?`;
    const { embeds } = sent(pollView(samplePoll({ question })));
    expect(embeds[0]!.title!.length).toBeLessThanOrEqual(256);
    expect(embeds[0]!.title!.endsWith('…')).toBe(true);
    expect(question.startsWith(embeds[0]!.title!.slice(0, -1))).toBe(true);
    expect(embeds[0]!.description!.split('\n')[0]).toBe(question);
  });

  it('GIVEN a poll on a passage THEN its kind is in the text and the passage is quoted under the question', () => {
    const poll = samplePoll({ question: 'Do you agree with this passage?', passage: { ref: 'former-kazakhstan:2', title: 'Former Kazakhstan', text: 'A line.' } });
    const { content, embeds } = sent(pollView(poll));
    expect(content).toBe('📊 **Poll** on a passage by <@100000000000000004> · vote with the buttons below');
    expect(embeds[0]!.title).toBe('Do you agree with this passage?');
    expect(embeds[0]!.description!.split('\n').slice(0, 2)).toEqual(['> A line.', '— *Former Kazakhstan*, `former-kazakhstan:2`']);
  });

  it('GIVEN a tie THEN the results name every leader', () => {
    let poll = applyVote(samplePoll(), '200000000000000001', 0).poll;
    poll = { ...applyVote(poll, '200000000000000002', 2).poll, closedAt: poll.closesAt };
    expect(sent(pollView(poll)).embeds[0]!.description).toContain('🏆 (tie)');
    expect(sent(pollResultsView(poll)).content).toMatch(/A tie between \*\*Yes\*\* and \*\*Partly\*\*/);
    expect(sent(pollResultsView({ ...samplePoll(), closedAt: 1 })).content).toMatch(/No votes were cast/);
  });

  it('GIVEN mentions in the question and answers THEN they read as text and can ping nobody', () => {
    const poll = samplePoll({ question: 'Ask @everyone and @here?', options: ['<@200000000000000001>', '<@&200000000000000009>', 'plain'] });
    const message = sent(pollView(poll));
    const title = message.embeds[0]!.title!;
    expect(title).not.toMatch(/@(everyone|here)/);
    expect(title).toContain('@\u200beveryone');
    expect(message.content).not.toMatch(/@(everyone|here)/);
    const labels = message.components.flatMap((row) => row.components.map((button) => button.label));
    expect(labels).toEqual(['@member', '@role', 'plain']);
    const results = sent(pollResultsView({ ...poll, closedAt: 1 }));
    expect(results.content).not.toMatch(/@(everyone|here)/);
    expect(results.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it('GIVEN an anonymous poll THEN nothing rendered names a voter', () => {
    const voter = '200000000000000001';
    const poll = applyVote(samplePoll({ anonymous: true }), voter, 0).poll;
    expect(JSON.stringify(pollView(poll))).not.toContain(voter);
    expect(JSON.stringify(pollResultsView({ ...poll, closedAt: 1 }))).not.toContain(voter);
  });
});

describe('vote button ids', () => {
  it('round-trips and refuses others', () => {
    expect(voteId.decode(voteId.encode({ pollId: 'abc123def0', option: 9 }))).toEqual({ pollId: 'abc123def0', option: 9 });
    expect(voteId.decode('poll:vote:abc')).toBeUndefined();
    expect(voteId.decode('passage:next:x:1')).toBeUndefined();
  });

  it('draws bars of ten cells', () => {
    expect(resultBar(0)).toBe('░░░░░░░░░░');
    expect(resultBar(100)).toBe('██████████');
    expect(resultBar(67)).toBe('███████░░░');
  });
});
