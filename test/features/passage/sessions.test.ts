import { afterEach, describe, expect, it } from 'vitest';
import { createSearchSessions } from '../../../src/features/passage/sessions.js';
import { silentLogger, tempStore } from '../../helpers/context.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('search sessions', () => {
  it('GIVEN the bot removed from a server THEN its searches (who asked what) are deleted, and other servers keep theirs', async () => {
    const temp = tempStore();
    cleanups.push(temp.cleanup);
    const sessions = createSearchSessions(temp.store, silentLogger);
    const removed = await Promise.all(['CSTO', 'Nazarbayev'].map((query) => sessions.open({ guildId: 'g-removed', ownerId: 'u1', query })));
    const kept = await sessions.open({ guildId: 'g-kept', ownerId: 'u2', query: 'Tokayev' });

    await sessions.forgetGuild('g-removed');

    for (const id of removed) expect(await sessions.get('g-removed', id)).toBeUndefined();
    expect(await sessions.get('g-kept', kept)).toEqual({ guildId: 'g-kept', ownerId: 'u2', query: 'Tokayev' });
    const left: string[] = [];
    for await (const [id] of temp.store.namespace('searches').entries()) left.push(id);
    expect(left).toEqual([kept]);
  });

  it("GIVEN another server's session id THEN it is not found here", async () => {
    const temp = tempStore();
    cleanups.push(temp.cleanup);
    const sessions = createSearchSessions(temp.store, silentLogger);
    const theirs = await sessions.open({ guildId: 'g-theirs', ownerId: 'u1', query: 'a private question' });
    expect(await sessions.get('g-ours', theirs)).toBeUndefined();
    expect(await sessions.get('g-theirs', theirs)).toMatchObject({ query: 'a private question' });
  });
});
