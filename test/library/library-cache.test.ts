import { describe, expect, it } from 'vitest';
import { boundedCache, type Sized } from '../../src/library/library-cache.js';

/** A builder that counts its builds and makes `bytes`-sized values named after the key and build. */
function builder(bytes: number) {
  const builds: string[] = [];
  return {
    builds,
    of(key: string) {
      return async (): Promise<Sized<string>> => {
        builds.push(key);
        return { value: `${key}#${builds.length}`, bytes };
      };
    },
  };
}

describe('the bounded cache of server libraries', () => {
  it('GIVEN values over the bound THEN the least recently used is evicted, and built again on its next use', async () => {
    const cache = boundedCache<string>(300);
    const build = builder(100);
    await cache.load('a', build.of('a'));
    await cache.load('b', build.of('b'));
    await cache.load('c', build.of('c'));
    expect(cache.get('a')).toBe('a#1'); // now b is the least recently used
    await cache.load('d', build.of('d'));
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['a#1', 'c#3', 'd#4']);
    expect(await cache.load('b', build.of('b'))).toBe('b#5');
    expect(build.builds).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  it('GIVEN a value larger than the whole bound THEN it is handed out but not kept, and the others stay', async () => {
    const cache = boundedCache<string>(300);
    await cache.load('small', builder(100).of('small'));
    expect(await cache.load('huge', builder(301).of('huge'))).toBe('huge#1');
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBe('small#1');
  });

  it('GIVEN many first uses of one key at once THEN it is built once and all get the same value', async () => {
    const cache = boundedCache<string>(1000);
    const build = builder(10);
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.load('a', build.of('a'))));
    expect(new Set(values)).toEqual(new Set(['a#1']));
    expect(build.builds).toEqual(['a']);
  });

  it('GIVEN a key dropped while its value is being built THEN that value is not kept, and the next use builds anew', async () => {
    const cache = boundedCache<string>(1000);
    const build = builder(10);
    const pending = cache.load('a', build.of('a'));
    cache.delete('a');
    expect(await pending).toBe('a#1');
    expect(cache.get('a')).toBeUndefined();
    expect(await cache.load('a', build.of('a'))).toBe('a#2');
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('GIVEN a build that fails THEN every waiting caller gets the error and the next use tries again', async () => {
    const cache = boundedCache<string>(1000);
    const failing = () => Promise.reject(new Error('store down'));
    await expect(Promise.all([cache.load('a', failing), cache.load('a', failing)])).rejects.toThrow('store down');
    expect(await cache.load('a', builder(10).of('a'))).toBe('a#1');
  });
});
