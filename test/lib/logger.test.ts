import { DiscordAPIError, HTTPError } from '@discordjs/rest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';

// Shaped like Discord's: a bot token (base64 of the id, then two parts) and an interaction token.
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpxd2VydHl1aW9wYXNkZmdoamts';
const CALLBACK = `https://discord.com/api/v10/interactions/1234567890123456789/${INTERACTION_TOKEN}/callback`;
const WEBHOOK = `https://discord.com/api/v10/webhooks/1100000000000000001/${INTERACTION_TOKEN}/messages/@original`;

/** A logger writing into an array, as the bot's would write to stdout. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join(''), parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function expectNoToken(text: string) {
  expect(text).not.toContain(INTERACTION_TOKEN);
  expect(text).not.toContain(BOT_TOKEN);
  expect(text).not.toContain(BOT_TOKEN.split('.')[2]);
  expect(text).not.toMatch(/aW50ZXJhY3Rpb246/);
}

describe('the logger', () => {
  it('GIVEN a Discord API error of an interaction callback THEN its url, message and stack keep the route but not the token', () => {
    const { logger, text, parsed } = capture();
    const error = new DiscordAPIError({ code: 10062, message: 'Unknown interaction' }, 10062, 404, 'POST', CALLBACK, { body: { type: 4 } });
    error.stack = `${error.stack}\n    at request (${WEBHOOK})`;
    logger.error({ err: error, errorId: 'abcd1234' }, 'interaction failed');
    expectNoToken(text());
    const [line] = parsed();
    const err = line!.err as { url: string; message: string; stack: string; code: number };
    expect(err.url).toBe('https://discord.com/api/v10/interactions/1234567890123456789/[redacted]/callback');
    expect(err.code).toBe(10062);
    expect(err.message).toBe('Unknown interaction');
    expect(err.stack).toContain('/webhooks/1100000000000000001/[redacted]/messages/@original');
    expect(line!.errorId).toBe('abcd1234');
    expect(err).not.toHaveProperty('requestBody');
  });

  it('GIVEN an HTTP error after the retries THEN the webhook token is gone from every field', () => {
    const { logger, text } = capture();
    logger.error({ err: new HTTPError(500, 'Internal Server Error', 'PATCH', WEBHOOK, { body: { content: 'hi' } }) }, 'interaction failed');
    expectNoToken(text());
    expect(text()).toContain('/webhooks/1100000000000000001/[redacted]/messages/@original');
  });

  it('GIVEN a token in the message, in url, path and request fields, or in an Authorization header THEN none is written', () => {
    const { logger, text, parsed } = capture();
    logger.warn(`could not edit ${WEBHOOK}`);
    logger.warn({ url: CALLBACK, path: `/interactions/1/${INTERACTION_TOKEN}/callback`, request: { url: WEBHOOK, method: 'POST' } }, 'slow request');
    logger.warn({ request: { headers: { authorization: `Bot ${BOT_TOKEN}` } }, token: BOT_TOKEN }, 'request refused');
    logger.info(`logging in with Bot ${BOT_TOKEN}`);
    logger.info({ config: { token: INTERACTION_TOKEN } }, 'a token field');
    expectNoToken(text());
    const lines = parsed();
    expect(lines[0]!.msg).toBe('could not edit https://discord.com/api/v10/webhooks/1100000000000000001/[redacted]/messages/@original');
    expect(lines[1]).toMatchObject({ path: '/interactions/1/[redacted]/callback', request: { method: 'POST' } });
    expect(lines[2]).toMatchObject({ request: { headers: { authorization: '[redacted]' } }, token: '[redacted]' });
    expect(lines[3]!.msg).toBe('logging in with Bot [redacted]');
  });

  it('GIVEN ordinary lines THEN they are written unchanged', () => {
    const { logger, parsed } = capture();
    logger.info({ guildId: '100000000000000001', command: 'passage search', api: 'http://127.0.0.1:4000/api' }, 'Bot ready: 2 articles');
    expect(parsed()[0]).toMatchObject({ msg: 'Bot ready: 2 articles', guildId: '100000000000000001', command: 'passage search', api: 'http://127.0.0.1:4000/api' });
  });
});
