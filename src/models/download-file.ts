import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HubUnreachableError } from './hub-unreachable.js';
import { checksumFromEtag, type Checksum } from './integrity.js';

/** Network error codes that mean no HTTP answer can come back from this host right now. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export interface DownloadResult {
  /** false when the server answered 404 (optional files). */
  found: boolean;
  size: number;
  checksum: Checksum | undefined;
  resumedFrom: number;
}

/**
 * Downloads `url` into `dest`, resuming with a Range request when `dest` already holds a partial file.
 * A 200 to a Range request (server without range support) restarts from byte 0.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: { fetch: typeof fetch; onProgress: (done: number, total: number | undefined) => void; signal?: AbortSignal },
): Promise<DownloadResult> {
  let have = 0;
  try {
    have = statSync(dest).size;
  } catch {
    have = 0; // nothing downloaded yet
  }
  const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
  let response: Response;
  try {
    response = await options.fetch(url, { headers, redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    // fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, ...) is in the cause.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code !== undefined && UNREACHABLE.has(cause.code)) throw new HubUnreachableError(new URL(url).origin, cause.code, { cause: err });
    throw new Error(`GET ${url}: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}`, { cause: err });
  }
  const checksum = checksumFromEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  if (response.status === 404) return { found: false, size: 0, checksum: undefined, resumedFrom: 0 };
  if (response.status === 416 && have > 0) {
    // Range past the end: the partial file is already complete.
    await response.body?.cancel();
    return { found: true, size: have, checksum, resumedFrom: have };
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  const resumed = response.status === 206;
  const start = resumed ? have : 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const rangeTotal = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  const total = rangeTotal !== undefined ? Number(rangeTotal) : Number.isFinite(length) ? start + length : undefined;
  if (response.body === null) throw new Error(`GET ${url}: empty body`);
  let done = start;
  options.onProgress(done, total);
  // Every chunk that arrived is on disk before a broken connection's error surfaces, so the next attempt
  // resumes from there (a pipeline would drop the chunks still buffered when it tears down).
  const out = createWriteStream(dest, { flags: resumed ? 'a' : 'w' });
  try {
    for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) as AsyncIterable<Buffer>) {
      done += chunk.length;
      options.onProgress(done, total);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  const size = statSync(dest).size;
  if (total !== undefined && size !== total) throw new Error(`GET ${url}: got ${size} of ${total} bytes`);
  return { found: true, size, checksum, resumedFrom: start };
}
