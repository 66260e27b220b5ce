import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, type CustomId } from '../../../src/lib/custom-id.js';

/**
 * Every custom id of every feature: worst-case values round-trip and fit Discord's
 * 100 characters, and forged or foreign ids decode to nothing. The codecs are found by
 * reading src/features/*\/ids.ts, so a new codec without a sample here fails.
 */
const FEATURES = path.resolve('src/features');

// The longest article id the corpus allows (src/library/corpus.ts), the longest paragraph
// numbers the decoders accept, a 40-character search session id, a 10-character poll id.
const ARTICLE = `${'a-'.repeat(29)}zz`;
const SESSION = 'A_-9'.repeat(10);
const POLL = 'k3v9x2m8q1';
// The longest snowflakes (20 digits) and server prompt ids (`p-` and 7 base-36 digits).
const SNOWFLAKE = '18446744073709551615';
const PROMPT = 'p-zzzzzzz';

const SAMPLES: Record<string, unknown[]> = {
  'passage:show': [`${ARTICLE}:9999-9999`, `${ARTICLE}:9999`, 'former-kazakhstan:2'],
  'passage:nav': [
    { articleId: ARTICLE, paragraph: 999_999, direction: 'next' },
    { articleId: ARTICLE, paragraph: 0, direction: 'prev' },
    { articleId: ARTICLE, paragraph: 999_999, to: 999_999, direction: 'next' },
  ],
  'passage:page': [
    { sessionId: SESSION, page: 9999, direction: 'next' },
    { sessionId: 'a', page: 0, direction: 'prev' },
  ],
  'passage:pick': [SESSION, 'a'],
  'passage:goto': [ARTICLE, 'former-kazakhstan'],
  'library:rm': [
    { guildId: SNOWFLAKE, userId: SNOWFLAKE, articleId: ARTICLE },
    { guildId: '1', userId: '2', articleId: 'a' },
  ],
  'prompt:review': [
    { guildId: SNOWFLAKE, promptId: PROMPT, verdict: 'approve' },
    { guildId: '1', promptId: 'p-0', verdict: 'reject' },
  ],
  'prompt:page': [
    { guildId: SNOWFLAKE, page: 999, direction: 'next' },
    { guildId: '1', page: 0, direction: 'prev' },
  ],
  // History and notes pages: the server, the longest article id, a range of 4-digit paragraphs, a 3-digit base-36 page.
  'passage:hist': [
    { guildId: SNOWFLAKE, articleId: ARTICLE, from: 9998, to: 9999, page: 46_655 },
    { guildId: '1', articleId: 'a', from: 1, to: 1, page: 0 },
  ],
  'passage:hpage': [
    { guildId: SNOWFLAKE, articleId: ARTICLE, from: 9998, to: 9999, page: 46_655 },
    { guildId: '1', articleId: 'a', from: 1, to: 1, page: 0 },
  ],
  'note:page': [
    { guildId: SNOWFLAKE, articleId: ARTICLE, from: 9998, to: 9999, page: 46_655 },
    { guildId: '1', articleId: 'a', from: 1, to: 1, page: 0 },
  ],
  'poll:vote': [
    { pollId: POLL, option: 9 },
    { pollId: POLL, option: 0 },
  ],
};

function isCodec(value: unknown): value is CustomId<unknown> {
  return typeof value === 'object' && value !== null && 'route' in value && 'encode' in value && 'decode' in value;
}

const files = readdirSync(FEATURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(FEATURES, entry.name, 'ids.ts'))
  .filter((file) => existsSync(file));
const codecs: Array<{ name: string; codec: CustomId<unknown> }> = [];
for (const file of files) {
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const feature = path.basename(path.dirname(file));
  for (const [name, value] of Object.entries(module)) if (isCodec(value)) codecs.push({ name: `${feature}/${name}`, codec: value });
}
const encoded = codecs.flatMap(({ codec }) => (SAMPLES[codec.route] ?? []).map((sample) => ({ route: codec.route, id: codec.encode(sample) })));

describe('custom ids', () => {
  it('GIVEN src/features THEN the ids.ts files and their codecs are found', () => {
    expect(files.map((file) => path.relative(FEATURES, file))).toEqual(expect.arrayContaining([path.join('passage', 'ids.ts'), path.join('polls', 'ids.ts')]));
    expect(codecs.length).toBeGreaterThanOrEqual(5);
  });

  it('GIVEN every codec THEN it has worst-case samples here, and every sample has a codec', () => {
    expect(codecs.filter(({ codec }) => !SAMPLES[codec.route]).map(({ name }) => name)).toEqual([]);
    expect(Object.keys(SAMPLES).filter((route) => !codecs.some(({ codec }) => codec.route === route))).toEqual([]);
    expect(new Set(codecs.map(({ codec }) => codec.route)).size).toBe(codecs.length);
  });

  it.each(codecs)('GIVEN $name THEN its worst cases round-trip and fit 100 characters', ({ codec }) => {
    for (const sample of SAMPLES[codec.route]!) {
      const id = codec.encode(sample);
      expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
      expect(id.startsWith(`${codec.route}:`)).toBe(true);
      expect(codec.decode(id)).toEqual(sample);
    }
  });

  it.each(codecs)('GIVEN $name THEN forged, foreign and over-long ids decode to nothing', ({ codec }) => {
    const forged = ['passage:nav:x', 'passage:show:', 'passage:nav:a:1:sideways', 'passage:nav:a:1-:next', 'passage:nav:a:-2:next', 'passage:page::1:next', 'poll:vote:x:100', 'settings:x', '', codec.route, `${codec.route}:`];
    const foreign = encoded.filter((id) => id.route !== codec.route).map((id) => id.id);
    const overLong = [
      `${codec.route}:${'a'.repeat(CUSTOM_ID_MAX + 1 - codec.route.length - 1)}`,
      `${codec.route}:${'a'.repeat(80)}:1`.padEnd(CUSTOM_ID_MAX + 1, '0'),
      ...encoded.filter((id) => id.route === codec.route).flatMap((id) => [id.id.padEnd(CUSTOM_ID_MAX + 1, '0'), id.id.padEnd(CUSTOM_ID_MAX + 1, 'x')]),
    ];
    for (const id of overLong) expect(id).toHaveLength(CUSTOM_ID_MAX + 1);
    for (const id of [...forged, ...foreign, ...overLong]) expect(codec.decode(id), id).toBeUndefined();
  });
});
