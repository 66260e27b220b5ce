import type { APIButtonComponentWithCustomId, APIEmbed, BaseMessageOptions, MessageMentionOptions } from 'discord.js';
import type { Clock } from '../../../src/features/polls/clock.js';
import type { Poll } from '../../../src/features/polls/poll.js';

const START = Date.UTC(2025, 0, 6, 12, 0, 0);

export function samplePoll(overrides: Partial<Poll> = {}): Poll {
  return {
    id: 'abc123def0',
    guildId: '100000000000000001',
    channelId: '100000000000000002',
    messageId: '100000000000000003',
    creatorId: '100000000000000004',
    question: 'Is the author’s claim supported?',
    options: ['Yes', 'No', 'Partly'],
    multiple: false,
    anonymous: false,
    createdAt: START,
    closesAt: START + 900_000,
    closedAt: null,
    votes: {},
    revision: 0,
    shownRevision: 0,
    ...overrides,
  };
}

/** A clock that moves only when told to, running the timers that come due on the way. */
export function manualClock(start = START) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: Clock & { advance(ms: number): void; readonly pending: number } = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
  };
  return clock;
}

/** A view as the JSON discord.js sends to Discord (builders turned into their API objects). */
export function sent(view: BaseMessageOptions & { allowedMentions?: MessageMentionOptions }) {
  return JSON.parse(JSON.stringify(view)) as {
    content?: string;
    embeds: APIEmbed[];
    components: Array<{ components: APIButtonComponentWithCustomId[] }>;
    allowedMentions: MessageMentionOptions;
  };
}
