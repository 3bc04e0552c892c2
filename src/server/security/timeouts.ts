import type { Server } from 'node:http';

export interface ServerTimeouts {
  /** Time to receive all request headers, in ms (slowloris guard). */
  headersTimeoutMs: number;
  /**
   * Time to receive the whole request (headers + body), in ms. Node stops this clock once the request is
   * read, so long streamed answers are not cut by it.
   */
  requestTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this, in ms. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 };

/**
 * Applies the timeouts to a node http server; call before or right after `listen`. Node enforces the first
 * two on its `connectionsCheckingInterval` (30 s unless set in `http.createServer`), so expiry is coarse.
 */
export function applyServerTimeouts(server: Server, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
}
