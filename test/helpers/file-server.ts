import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FileServerOptions {
  /** repo id → local folder served as that repo's files. */
  repos: Record<string, string>;
  /** Send only this many bytes of the first full GET of a path, then drop the connection (tests resume). */
  dropAfterBytes?: Record<string, number>;
  /** Flip a byte in this path's body while keeping the honest ETag (tests integrity checks). */
  corrupt?: string[];
}

export interface FileServer {
  endpoint: string;
  /** Every request seen: method, path, Range header. */
  requests: Array<{ path: string; range: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A Hugging Face-compatible file server on 127.0.0.1: GET /{org}/{name}/resolve/{revision}/{path} with
 * Range support and the sha256 of the file as ETag (as the hub does for LFS files).
 */
export async function startFileServer(options: FileServerOptions): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  const dropped = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    requests.push({ path: req.url ?? '', range: req.headers.range });
    const root = match ? options.repos[match[1] as string] : undefined;
    const rel = match?.[2] as string;
    const file = root === undefined ? undefined : join(root, rel);
    if (file === undefined || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
    const served = options.corrupt?.includes(rel) ? Buffer.from(body) : body;
    if (served !== body) served[served.length - 1] = (served.at(-1) ?? 0) ^ 0xff;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { etag, 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(served.subarray(start));
      return;
    }
    res.writeHead(200, { etag, 'content-length': body.length, 'accept-ranges': 'bytes' });
    const drop = options.dropAfterBytes?.[rel];
    if (drop !== undefined && !dropped.has(rel)) {
      dropped.add(rel);
      // The bytes go out, then the connection breaks (a pause first, so the client has read them all).
      res.write(served.subarray(0, drop), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}
