import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { applyServerTimeouts } from '../src/server/security/index.js';

describe('server timeouts', () => {
  it('answers 408 and closes a connection that trickles its headers (slowloris)', async () => {
    const app = express();
    app.get('/v1/models', (_req, res) => res.json({ object: 'list', data: [] }));
    // A short checking interval so the test does not wait Node's default 30 s between timeout sweeps.
    const server = createServer({ connectionsCheckingInterval: 100 }, app);
    applyServerTimeouts(server, { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 1_000 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;

    const started = Date.now();
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.write('GET /v1/models HTTP/1.1\r\nHost: x\r\n');
      // One more header line every 100 ms, never the blank line that ends the headers.
      const drip = setInterval(() => socket.writable && socket.write(`X-Drip-${Date.now()}: 1\r\n`), 100);
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => {
        clearInterval(drip);
        resolve(text);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(5_000);

    // An ordinary request on the same server is unaffected.
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(200);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});
