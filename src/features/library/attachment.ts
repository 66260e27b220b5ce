import { UserError } from '../../lib/errors.js';
import { quoteInput } from '../../lib/ui/limits.js';
import { UPLOAD_MAX_BYTES } from '../../library/uploaded.js';

/** How long fetching an attached file may take, from the request to its last byte. */
export const ATTACHMENT_TIMEOUT_MS = 10_000;

/** Discord's CDN hosts: an attachment's URL comes from the interaction that Discord sent. */
const DISCORD_CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

/** What the bot knows of an attached file from the interaction: its name, declared size and CDN URL. */
export interface AttachedFile {
  name: string;
  size: number;
  url: string;
}

export type FetchAttachment = (file: AttachedFile) => Promise<Uint8Array>;

/**
 * Fetches an attached file's bytes from Discord's CDN, or from the host of the API URL
 * (the loopback server in tests), never from anywhere else: a file declared over the cap
 * is refused unread, the body is read up to the cap, and the whole fetch has a time limit.
 * Every failure is a UserError of one sentence.
 */
export function createAttachmentFetcher({ apiUrl, timeoutMs }: { apiUrl: string; timeoutMs: number }): FetchAttachment {
  const api = new URL(apiUrl);
  const allowed = (url: URL) => (url.protocol === 'https:' && DISCORD_CDN_HOSTS.has(url.hostname)) || (url.protocol === api.protocol && url.host === api.host);
  const tooBig = (name: string) => new UserError(`\`${name}\` is over 1 MB: split the article into smaller files.`);

  return async (file) => {
    const name = quoteInput(file.name);
    if (file.size > UPLOAD_MAX_BYTES) throw tooBig(name);
    const url = URL.canParse(file.url) ? new URL(file.url) : undefined;
    if (!url || !allowed(url)) throw new UserError(`\`${name}\` is not on Discord's CDN, so it was not fetched: attach the file to the command itself.`);
    try {
      // No redirects: they could lead anywhere.
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!response.ok || !response.body) throw new UserError(`Discord's CDN did not give \`${name}\` (HTTP ${response.status}): attach the file again.`);
      return await readCapped(response.body, UPLOAD_MAX_BYTES, () => tooBig(name));
    } catch (error) {
      if (error instanceof UserError) throw error;
      if ((error as { name?: unknown }).name === 'TimeoutError') {
        throw new UserError(`Fetching \`${name}\` from Discord's CDN took over ${timeoutMs / 1000} s: try again in a moment.`);
      }
      throw new UserError(`\`${name}\` could not be fetched from Discord's CDN: try again in a moment.`);
    }
  };
}

/** The body's bytes; stops reading, and throws `overCap()`, as soon as there are more than `maxBytes`. */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, overCap: () => Error): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw overCap();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}
