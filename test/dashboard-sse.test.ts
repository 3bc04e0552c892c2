import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createObservability } from '../src/observability/index.js';
import type { Observability } from '../src/observability/index.js';
import type { FeedState } from '../src/observability/feed-types.js';
import { createDashboardRouter } from '../src/server/routes/dashboard.js';
import { cloudRecord, localRecord, snapshot } from './ops-fixtures.js';

let obs: Observability;
let server: Server;
let base: string;

beforeAll(async () => {
  obs = createObservability({
    sources: { signals: () => snapshot(), policyStatus: () => ({ file: 'policies/x.yaml', loadedAt: 1, lastError: 'line 3: unknown field "wen"' }) },
    logger: createLogger({ level: 'silent' }),
    sampleIntervalMs: 60_000, // samples are taken by hand below
  });
  const app = express();
  app.use(createDashboardRouter({ feed: obs.feed, maxClients: 2 }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await obs.close();
});

/** Reads SSE events from a live stream until `count` arrived. */
async function readEvents(res: Response, count: number): Promise<Array<{ event: string; data: unknown }>> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as unknown });
    }
  }
  await reader.cancel();
  return events;
}

describe('dashboard routes', () => {
  it('serves the page, its script and uPlot from the package with a strict CSP', async () => {
    const page = await fetch(`${base}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/dashboard/vendor/uPlot.iife.min.js');
    expect(html).not.toMatch(/https?:\/\//); // no CDN, no third-party origin
    const uplot = await fetch(`${base}/dashboard/vendor/uPlot.iife.min.js`);
    expect(uplot.headers.get('content-type')).toMatch(/javascript/);
    expect(await uplot.text()).toContain('uPlot');
    expect((await fetch(`${base}/dashboard/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/dashboard/../../package.json`)).status).not.toBe(200);
  });

  it('streams the state, then each decision and sample, with running totals and policy status', async () => {
    obs.observer.onRequest(localRecord());
    const res = await fetch(`${base}/dashboard/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const pending = readEvents(res, 3);
    await new Promise((r) => setTimeout(r, 50));
    obs.observer.onRequest(cloudRecord({ fallback: { cause: 'local-queue-full', from: 'local', to: 'cloud', continued: false, detail: '' } }));
    obs.feed.sample();
    const [state, decision, sample] = await pending;
    expect(state?.event).toBe('state');
    const s = state?.data as FeedState;
    expect(s.decisions).toHaveLength(1);
    expect(s.policy?.lastError).toContain('unknown field');
    expect(decision).toMatchObject({ event: 'decision', data: { decision: { servedBy: 'cloud', fallback: { cause: 'local-queue-full' } }, totals: { requests: 2, local: 1, cloud: 1, fallbacks: 1 } } });
    expect(sample).toMatchObject({ event: 'sample', data: { sample: { cpuLoad: 0.35, rttMs: 42, local: 1, cloud: 1, fallbacks: 1 } } });
    const state2 = (await (await fetch(`${base}/dashboard/state`)).json()) as FeedState;
    expect(state2.totals.savedCostUsd).toBeGreaterThan(0);
    expect(state2.totals.cloudCostUsd).toBeGreaterThan(0);
  });

  it('caps concurrent streams', async () => {
    const a = await fetch(`${base}/dashboard/events`);
    const b = await fetch(`${base}/dashboard/events`);
    const c = await fetch(`${base}/dashboard/events`);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 503]);
    expect(((await c.json()) as { error: { type: string } }).error.type).toBe('server_error');
    await a.body?.cancel();
    await b.body?.cancel();
  });
});
