import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Listening {
  server: http.Server;
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  port: number;
  host: string;
  /** Time allowed to receive a request's headers, in ms (slowloris guard). */
  headersTimeoutMs?: number;
}

export async function listen(app: Express, options: ListenOptions): Promise<Listening> {
  // Header/request timeouts are checked on this interval; node's 30 s default makes slowloris defence coarse.
  const server = http.createServer({ connectionsCheckingInterval: 1_000 }, app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  // Time to receive the whole request. Node stops this clock once the request is read, so a long streamed
  // answer is not cut by it; the security settings (applied after listen) may change it.
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeIdleConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Streams still open get a moment to finish, then are cut.
      const timer = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
