import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAttachmentFetcher } from '../../../src/features/library/attachment.js';
import { UserError } from '../../../src/lib/errors.js';
import { UPLOAD_MAX_BYTES } from '../../../src/library/uploaded.js';

/** What the local "CDN" answers per path; the paths it was asked for. */
let answer: (req: IncomingMessage, res: ServerResponse) => void;
const asked: string[] = [];
const server = createServer((req, res) => {
  asked.push(req.url ?? '');
  answer(req, res);
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  asked.length = 0;
});

const fetchAttachment = () => createAttachmentFetcher({ apiUrl: `${base}/api`, timeoutMs: 300 });
const file = (path: string, size = 10) => ({ name: 'notes.txt', size, url: `${base}${path}` });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('fetching an attached file', () => {
  it('GIVEN a file on the API host THEN its bytes come back as served', async () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0x00, 0xff]);
    answer = (_, res) => res.end(bytes);
    expect(Buffer.from(await fetchAttachment()(file('/ephemeral-attachments/1/2/notes.txt'))).equals(bytes)).toBe(true);
  });

  it('GIVEN a declared size over 1 MB THEN it is refused without a request', async () => {
    answer = (_, res) => res.end('x');
    expect(await refusal(fetchAttachment()(file('/big.txt', UPLOAD_MAX_BYTES + 1)))).toBe('`notes.txt` is over 1 MB: split the article into smaller files.');
    expect(asked).toEqual([]);
  });

  it('GIVEN a body longer than declared and over 1 MB THEN reading stops at the cap with the same refusal', async () => {
    answer = (_, res) => {
      res.write(Buffer.alloc(UPLOAD_MAX_BYTES, 0x61));
      res.end(Buffer.alloc(10, 0x61));
    };
    expect(await refusal(fetchAttachment()(file('/lying.txt', 10)))).toContain('is over 1 MB');
  });

  it('GIVEN a CDN that never finishes THEN the fetch ends at the time limit with one sentence', async () => {
    answer = (_, res) => res.write('a first part and then nothing');
    const started = performance.now();
    expect(await refusal(fetchAttachment()(file('/slow.txt')))).toBe("Fetching `notes.txt` from Discord's CDN took over 0.3 s: try again in a moment.");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['another host', 'http://127.0.0.2:1/notes.txt'],
    ['a look-alike of the CDN', 'https://cdn.discordapp.com.example.org/notes.txt'],
    ['the CDN without https', 'http://cdn.discordapp.com/attachments/1/2/notes.txt'],
    ['the API host on another port', 'http://127.0.0.1:1/notes.txt'],
    ['not a URL', 'notes.txt'],
  ])('GIVEN %s THEN it is refused without a request', async (_, url) => {
    answer = (_req, res) => res.end('x');
    expect(await refusal(fetchAttachment()({ name: 'notes.txt', size: 1, url }))).toBe(
      "`notes.txt` is not on Discord's CDN, so it was not fetched: attach the file to the command itself.",
    );
    expect(asked).toEqual([]);
  });

  it('GIVEN a redirect THEN it is not followed', async () => {
    answer = (req, res) => (req.url === '/moved.txt' ? res.writeHead(302, { location: '/elsewhere.txt' }).end() : res.end('x'));
    expect(await refusal(fetchAttachment()(file('/moved.txt')))).toBe("`notes.txt` could not be fetched from Discord's CDN: try again in a moment.");
    expect(asked).toEqual(['/moved.txt']);
  });

  it('GIVEN an error status THEN one sentence gives it', async () => {
    answer = (_, res) => res.writeHead(404).end();
    expect(await refusal(fetchAttachment()(file('/gone.txt')))).toBe("Discord's CDN did not give `notes.txt` (HTTP 404): attach the file again.");
  });
});
