import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client } from 'discord.js';
import type { EntryLinks } from '../features/history/entry.js';

/** What a recorded post points at: its message and the thread started on it, in one server. */
export interface LinkTarget {
  guildId: string;
  channelId?: string;
  messageId?: string;
  threadId?: string;
}

const messageUrl = (guildId: string, channelId: string, messageId: string) => `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
const threadUrl = (guildId: string, threadId: string) => `https://discord.com/channels/${guildId}/${threadId}`;

/** Discord's answer for something deleted: the message, or the channel (a thread, or the message's channel). */
const GONE = new Set<number | string>([RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel]);

/**
 * Link checks a second, at most, in this process. discord.js holds every request, interaction
 * replies included, to 50 a second: a recap's few dozen checks at once would make replies to
 * other members wait past Discord's 3 s. Shared by every check of the process.
 */
const CHECKS_PER_SECOND = 20;
let recent: number[] = [];

/** Waits for a free place among this second's checks. */
async function turn(): Promise<void> {
  for (;;) {
    const now = Date.now();
    recent = recent.filter((at) => now - at < 1000);
    if (recent.length < CHECKS_PER_SECOND) {
      recent.push(now);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 - (now - recent[0]!)));
  }
}

/** Whether Discord says it is gone; any other failure (a 5xx, no access) keeps the link, which may still work. */
async function gone(read: () => Promise<unknown>): Promise<{ deleted: boolean; body?: unknown }> {
  await turn();
  try {
    return { deleted: false, body: await read() };
  } catch (error) {
    if (error instanceof DiscordAPIError && GONE.has(error.code)) return { deleted: true };
    return { deleted: false };
  }
}

function countOf(body: unknown): number | undefined {
  const count = (body as { message_count?: unknown } | undefined)?.message_count;
  return typeof count === 'number' ? count : undefined;
}

/**
 * Checks, in parallel, that each target's message and thread still exist, by asking Discord
 * (GET the message, GET the thread channel), at most CHECKS_PER_SECOND a second.
 * Returns one result per target, in order. Never throws. Costs up to two requests a target:
 * check only what a page shows.
 */
export async function checkLinks(client: Client, targets: LinkTarget[]): Promise<EntryLinks[]> {
  return Promise.all(
    targets.map(async ({ guildId, channelId, messageId, threadId }) => {
      const [message, thread] = await Promise.all([
        channelId && messageId ? gone(() => client.rest.get(Routes.channelMessage(channelId, messageId))) : undefined,
        threadId ? gone(() => client.rest.get(Routes.channel(threadId))) : undefined,
      ]);
      const checked: EntryLinks = {};
      if (message && channelId && messageId) checked.message = { url: messageUrl(guildId, channelId, messageId), deleted: message.deleted };
      if (thread && threadId) {
        const messageCount = countOf(thread.body);
        checked.thread = { url: threadUrl(guildId, threadId), deleted: thread.deleted, ...(messageCount !== undefined && { messageCount }) };
      }
      return checked;
    }),
  );
}
