// Discord's CDN for the files members attach to slash commands: GET (or HEAD) /ephemeral-attachments/<channel>/<id>/<filename>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { World } from './world.js';

const FILE_PATH = /^\/ephemeral-attachments\/(\d+)\/(\d+)\/[^/]+$/;

/** Answers a request for an attached file and returns true, or returns false for any other request (REST). */
export function fileHandler(world: World) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const match = FILE_PATH.exec(new URL(req.url ?? '/', 'http://loopback').pathname);
    if (!match) return false;
    const file = world.uploadsById.get(match[2]!);
    if (!file || file.channelId !== match[1] || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return true;
    }
    if (req.method === 'GET') file.downloads++;
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.byteLength) });
    res.end(req.method === 'GET' ? file.bytes : undefined);
    return true;
  };
}
