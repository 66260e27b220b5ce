import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { UserError } from '../../../src/lib/errors.js';
import { createSettingsService, DEFAULT_SETTINGS } from '../../../src/features/settings/service.js';
import { openStore } from '../../../src/lib/store.js';
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
    expect(await settings.get(guild)).toEqual({ public_replies: false, results_per_page: 5, prompt_style: 'mixed' });
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
    await expect(settings.update(guild, { colour: 'red' })).rejects.toThrow(/Unrecognized key/);
    await expect(settings.update(guild, {})).rejects.toThrow(/Choose at least one setting/);
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
  });

  it('GIVEN a stored record that fails validation THEN defaults replace it with a warning', async () => {
    const temp = fresh();
    await temp.store.namespace('settings').set(guild, { public_replies: 'yes', results_per_page: 99 });
    const logger = pino({ level: 'warn' });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const settings = createSettingsService({ store: temp.store, logger });
    expect(await settings.get(guild)).toEqual(DEFAULT_SETTINGS);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key: guild }), 'invalid settings record dropped');
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
