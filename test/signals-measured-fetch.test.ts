import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkMonitor } from '../src/signals/link-monitor.js';
import { measuredFetch } from '../src/signals/measured-fetch.js';
import { FakeClock } from './fixtures/signals/fake-clock.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

/** A real OpenAI-ish upstream on 127.0.0.1: headers after `headerDelayMs`, then a body at a set pace. */
async function upstream(headerDelayMs: number): Promise<string> {
  server = createServer((req, res) => {
    setTimeout(() => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        // 1 MiB in 4 chunks, 50 ms apart → ≈ 8 Mbit in ≥ 150 ms.
        const chunk = JSON.stringify({ object: 'list', data: [{ id: 'x'.repeat(262_100), object: 'model', created: 0, owned_by: 'me' }] });
        const parts = [chunk.slice(0, 262_144), chunk.slice(262_144, 524_288), chunk.slice(524_288, 786_432), chunk.slice(786_432)];
        parts.forEach((p, i) => setTimeout(() => (i === parts.length - 1 ? res.end(p) : res.write(p)), i * 50));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"id":"1","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
      }
    }, headerDelayMs);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('measuredFetch (passive link measurement through the openai SDK)', () => {
  it('feeds time to headers and bytes/s of real responses into the link monitor', async () => {
    const baseURL = await upstream(80);
    const link = new LinkMonitor({ upstreamUrl: baseURL, clock: new FakeClock() });
    const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0, fetch: measuredFetch(fetch, link) });
    const models = await client.models.list();
    expect(models.data[0]?.id).toHaveLength(262_100);
    expect(link.reachable).toBe(true);
    expect(link.rttMs).toBeGreaterThanOrEqual(75);
    expect(link.bandwidthMbps).toBeGreaterThan(0.5);
    expect(link.bandwidthMbps).toBeLessThan(8 / 0.15 + 1); // cannot beat the server's pacing
  });

  it('uses only the RTT of an SSE token stream', async () => {
    const baseURL = await upstream(20);
    const link = new LinkMonitor({ upstreamUrl: baseURL, clock: new FakeClock() });
    const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0, fetch: measuredFetch(fetch, link) });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hi');
    expect(link.rttMs).toBeGreaterThanOrEqual(15);
    expect(link.bandwidthMbps).toBeNull();
  });

  it('marks the upstream unreachable when the connection is refused', async () => {
    const baseURL = await upstream(0);
    await new Promise((resolve) => server?.close(resolve));
    server = null;
    const link = new LinkMonitor({ upstreamUrl: baseURL, clock: new FakeClock() });
    const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0, fetch: measuredFetch(fetch, link) });
    await expect(client.models.list()).rejects.toThrow(/Connection error/);
    expect(link.reachable).toBe(false);
  });
});
