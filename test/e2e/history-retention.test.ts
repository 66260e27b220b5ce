// SPEC section 11, last point: history is kept `history_days`; the bot deletes older entries
// on a schedule. Old entries are written to the bot's SQLite file as an earlier run would have
// left them, and the restarted bot process deletes them by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryService } from '../../src/features/history/service.js';
import { createSettingsService } from '../../src/features/settings/service.js';
import { createLogger } from '../../src/lib/logger.js';
import { openStore } from '../../src/lib/store.js';
import { rawStore } from '../helpers/raw-store.js';
import { newServer, startSession, type Session } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;

let session: Session;
beforeAll(async () => {
  session = await startSession({ deploy: 'global' });
}, 60_000);
afterAll(async () => {
  await session?.close();
});

describe('history retention', () => {
  it('GIVEN entries older than history_days in the store THEN the bot deletes them soon after it starts, and keeps the recent ones', async () => {
    const server = await newServer(session, 'history-old');
    const run = (user: string, name: string, subcommand: string, options = {}) =>
      session.lb.driver.slash({ user, channel: server.channelId, name, subcommand, options }).then((sent) => sent.reply());
    await run(server.admin, 'settings', 'set', { history_days: 30 });

    // What an earlier run recorded: a note of yesterday, and a post 40 days ago with a note on it
    // (recorded last, with the clock of then: a write leaves out what is past the retention).
    const store = openStore(session.storeUrl);
    const clock = { now: Date.now() - DAY };
    const history = createHistoryService({ store, logger: createLogger('silent'), settings: createSettingsService({ store, logger: createLogger('silent') }), now: () => clock.now });
    await history.addNote(server.guildId, server.member, 'former-kazakhstan:4', 'The former Kazakhstan', 'A recent thought');
    clock.now = Date.now() - 40 * DAY;
    const oldDate = new Date(clock.now).toISOString().slice(0, 10);
    await history.recordPost(server.guildId, { date: oldDate, kind: 'daily', ref: 'former-kazakhstan:4', title: 'The former Kazakhstan', channelId: server.channelId, messageId: '300000000000000001' });
    const oldNote = await history.addNote(server.guildId, server.member, 'former-kazakhstan:4', 'The former Kazakhstan', 'An old thought');
    await history.stop();
    await store.close();

    await session.restart();
    const raw = rawStore(session.storeUrl);
    try {
      const entries = async () => {
        const text = await raw.get('history', `${server.guildId}/former-kazakhstan:4`);
        return text ? (JSON.parse(text) as { value: { entries: Array<{ id: string }> } }).value.entries.map((entry) => entry.id) : [];
      };
      expect(await entries()).toHaveLength(3);
      await expect.poll(entries, { timeout: 30_000, interval: 500 }).toHaveLength(1);
      expect((await entries())[0]).toMatch(/^note:/);
      expect(await raw.get('history-days', `${server.guildId}/${oldDate}`)).toBeUndefined();
      expect(await raw.get('history-notes', `${server.guildId}/${oldNote.id.slice('note:'.length)}`)).toBeUndefined();
    } finally {
      await raw.close();
    }
  }, 60_000);
});
