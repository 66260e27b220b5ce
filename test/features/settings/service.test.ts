import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { UserError } from '../../../src/lib/errors.js';
import { createSettingsService, DEFAULT_SETTINGS } from '../../../src/features/settings/service.js';
import { openStore, type Namespace, type Store } from '../../../src/lib/store.js';
import { silentLogger, tempStore } from '../../helpers/context.js';

const guild = '100000000000000001';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function fresh() {
  const temp = tempStore();
  cleanups.push(temp.cleanup);
  return temp;
}

describe('settings on a real SQLite file', () => {
  it('GIVEN nothing stored THEN the defaults apply', async () => {
    const settings = createSettingsService({ store: fresh().store, logger: silentLogger });
    expect(await settings.get(guild)).toEqual({ public_replies: false, results_per_page: 5, prompt_style: 'mixed', cooldown_seconds: 10, shipped_articles: true, history_days: 365 });
  });

  it('GIVEN a change THEN it reports what changed and survives a new store on the same file', async () => {
    const temp = fresh();
    const change = await createSettingsService({ store: temp.store, logger: silentLogger }).update(guild, { results_per_page: 8, public_replies: false });
    expect(change.changed).toEqual([{ name: 'results_per_page', from: 5, to: 8 }]);
    await temp.store.close();

    const reopened = openStore(temp.url);
    cleanups.push(() => reopened.close());
    expect(await createSettingsService({ store: reopened, logger: silentLogger }).get(guild)).toEqual({ ...DEFAULT_SETTINGS, results_per_page: 8 });
  });

  it('GIVEN a value out of range, an unknown setting or none THEN one clear sentence is thrown and nothing is stored', async () => {
    const settings = createSettingsService({ store: fresh().store, logger: silentLogger });
    await expect(settings.update(guild, { results_per_page: 11 })).rejects.toThrow(UserError);
    await expect(settings.update(guild, { colour: 'red' })).rejects.toThrow('`/settings set` has no option `colour`.');
    await expect(settings.update(guild, {})).rejects.toThrow(/Choose at least one setting/);
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
  });

  // What an altered client can send past Discord's min and max: never zod's wording, always the option and its range.
  it.each([
    [{ results_per_page: 999 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ results_per_page: 0 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ results_per_page: 2.5 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ results_per_page: 1e21 }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ results_per_page: '5' }, '`results_per_page` must be a whole number from 1 to 10.'],
    [{ cooldown_seconds: -1 }, '`cooldown_seconds` must be a whole number from 0 to 3600.'],
    [{ cooldown_seconds: 3601 }, '`cooldown_seconds` must be a whole number from 0 to 3600.'],
    [{ public_replies: 'yes' }, '`public_replies` must be true or false.'],
    [{ shipped_articles: 'no' }, '`shipped_articles` must be true or false.'],
    [{ prompt_style: 'angry' }, '`prompt_style` must be one of critical, reflective, mixed.'],
  ])('GIVEN %j THEN the refusal is %s', async (patch, sentence) => {
    const settings = createSettingsService({ store: fresh().store, logger: silentLogger });
    const refusal = await settings.update(guild, patch).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as UserError).message).toBe(sentence);
  });

  it('GIVEN cooldown_seconds from 0 to 3600 THEN it is kept, and 10 is the default', async () => {
    const settings = createSettingsService({ store: fresh().store, logger: silentLogger });
    expect(DEFAULT_SETTINGS.cooldown_seconds).toBe(10);
    expect((await settings.update(guild, { cooldown_seconds: 0 })).settings.cooldown_seconds).toBe(0);
    expect((await settings.update(guild, { cooldown_seconds: 3600 })).changed).toEqual([{ name: 'cooldown_seconds', from: 0, to: 3600 }]);
  });

  it('GIVEN shipped_articles THEN true is the default and false is kept', async () => {
    const settings = createSettingsService({ store: fresh().store, logger: silentLogger });
    expect(DEFAULT_SETTINGS.shipped_articles).toBe(true);
    expect((await settings.update(guild, { shipped_articles: false })).changed).toEqual([{ name: 'shipped_articles', from: true, to: false }]);
    expect((await settings.get(guild)).shipped_articles).toBe(false);
  });

  it('GIVEN a stored record that fails validation THEN defaults replace it with a warning', async () => {
    const temp = fresh();
    await temp.store.namespace('settings').set(guild, { public_replies: 'yes', results_per_page: 99 });
    const logger = pino({ level: 'warn' });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const settings = createSettingsService({ store: temp.store, logger });
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key: guild }), expect.stringMatching(/settings record/));
    expect(await temp.store.namespace('settings').get(guild)).toBeUndefined();
  });

  it('GIVEN reset or a removed server THEN the record is gone', async () => {
    const temp = fresh();
    const settings = createSettingsService({ store: temp.store, logger: silentLogger });
    await settings.update(guild, { prompt_style: 'critical' });
    expect(await settings.reset(guild)).toEqual(DEFAULT_SETTINGS);
    await settings.update(guild, { prompt_style: 'critical' });
    await settings.forgetGuild(guild);
    expect(await temp.store.namespace('settings').get(guild)).toBeUndefined();
  });
});

/** The store with the settings reads counted, and held while `hold` is set, like a slow backend. */
function countingStore(store: Store) {
  const state = { reads: 0, hold: undefined as Promise<void> | undefined };
  const wrap = (namespace: Namespace): Namespace =>
    new Proxy(namespace, {
      get(target, property, receiver) {
        if (property !== 'get') return Reflect.get(target, property, receiver);
        return async (key: string) => {
          state.reads += 1;
          const value = await target.get(key);
          await state.hold;
          return value;
        };
      },
    });
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'namespace') return (name: string) => wrap(target.namespace(name));
      return Reflect.get(target, property, receiver);
    },
  });
  return { store: counted, state };
}

describe('settings from memory', () => {
  it('GIVEN 50 lookups at once in a server not read yet THEN one store read, and none after', async () => {
    const { store, state } = countingStore(fresh().store);
    const settings = createSettingsService({ store, logger: silentLogger });
    const answers = await Promise.all(Array.from({ length: 50 }, () => settings.get(guild)));
    expect(answers.every((answer) => answer === answers[0])).toBe(true);
    expect(state.reads).toBe(1);
    await settings.get(guild);
    expect(state.reads).toBe(1);
  });

  it('GIVEN set and reset THEN the next read answers the new value without a store read (write-through)', async () => {
    const { store, state } = countingStore(fresh().store);
    const settings = createSettingsService({ store, logger: silentLogger });
    await settings.update(guild, { public_replies: true });
    const reads = state.reads;
    expect((await settings.get(guild)).public_replies).toBe(true);
    await settings.reset(guild);
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
    expect(state.reads).toBe(reads);
  });

  it('GIVEN a reset while a slow read is in flight THEN the reset is what is remembered', async () => {
    const temp = fresh();
    await createSettingsService({ store: temp.store, logger: silentLogger }).update(guild, { results_per_page: 8 });
    const { store, state } = countingStore(temp.store);
    const settings = createSettingsService({ store, logger: silentLogger });
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const slowRead = settings.get(guild);
    await settings.reset(guild);
    release();
    expect((await slowRead).results_per_page).toBe(8);
    expect((await settings.get(guild)).results_per_page).toBe(5);
  });

  it('GIVEN more servers than the cache holds THEN the least recently used is read again, the others not', async () => {
    const { store, state } = countingStore(fresh().store);
    const settings = createSettingsService({ store, logger: silentLogger, cacheSize: 2 });
    const [a, b, c] = ['100000000000000011', '100000000000000012', '100000000000000013'] as const;
    await settings.get(a);
    await settings.get(b);
    await settings.get(a);
    await settings.get(c);
    expect(state.reads).toBe(3);
    await settings.get(a);
    await settings.get(c);
    expect(state.reads).toBe(3);
    await settings.get(b);
    expect(state.reads).toBe(4);
  });

  it('GIVEN the bot removed from a server THEN its settings are forgotten in memory too', async () => {
    const temp = fresh();
    const settings = createSettingsService({ store: temp.store, logger: silentLogger });
    await settings.update(guild, { prompt_style: 'critical' });
    await settings.forgetGuild(guild);
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('the store', () => {
  it('GIVEN two claims of one key THEN exactly one wins, and a released claim can be taken again', async () => {
    const { store } = fresh();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store.claim('daily:1:2026-11-22', owner)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][results.indexOf(true)]!;
    await store.release('daily:1:2026-11-22', 'someone-else');
    expect(await store.claim('daily:1:2026-11-22', 'e')).toBe(false);
    await store.release('daily:1:2026-11-22', winner);
    expect(await store.claim('daily:1:2026-11-22', 'e')).toBe(true);
  });
});
