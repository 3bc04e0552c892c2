import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../src/paths.js';
import { startOpsServer } from './ops-harness.js';
import type { OpsServer } from './ops-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'dashboard-key-0123456789';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

/**
 * A short device trace: the battery drains below 20 %, the CPU spikes past 90 %, the link degrades, drops
 * for a while and comes back — each phase moves the default policy to a different rule.
 */
function traceAt(step: number): { battery: number; cpu: number; rtt: number | null; bw: number | null; online: boolean } {
  const offline = step >= 18 && step < 23;
  const slow = step >= 24 && step < 30;
  return {
    battery: Math.max(8, 78 - step * 1.8),
    cpu: step >= 10 && step < 13 ? 0.95 : 0.3 + 0.18 * Math.sin(step / 3),
    rtt: offline ? null : 45 + 20 * Math.abs(Math.sin(step / 5)) + (slow ? 180 : 0),
    bw: offline ? null : slow ? 4 + step % 3 : 28 + 6 * Math.cos(step / 4),
    online: !offline,
  };
}

const PROMPTS = [
  'Say hello to the team.',
  'What is the capital of France?',
  'Compare the long-term macroeconomic consequences of a universal basic income with a negative income tax, derive the labour-supply effects formally, and discuss the empirical evidence from at least three randomized trials.',
  'Translate "good morning" into Spanish.',
  'Prove that there are infinitely many primes p such that p + 2 is also prime, or explain precisely why this remains open and which partial results (Chen, Zhang, Maynard) narrow the gap.',
  'Summarise this note from jane.doe@example.com about the offsite.',
];

describe.skipIf(!hasChromium)(`dashboard in a real browser (${CHROMIUM})`, () => {
  let server: OpsServer;
  let browser: Browser;

  beforeAll(async () => {
    // The trace is replayed by the real SignalHub (`--signals-trace`), one step every 0.25 s.
    const traceFile = join(mkdtempSync(join(tmpdir(), 'sy-trace-')), 'trace.jsonl');
    const lines = Array.from({ length: 48 }, (_, step) => {
      const t = traceAt(step);
      return JSON.stringify({ t: step * 0.25, battery: { percent: t.battery, charging: false }, cpuLoad: t.cpu, online: t.online, rttMs: t.rtt, bandwidthMbps: t.bw });
    });
    writeFileSync(traceFile, lines.join('\n') + '\n');
    server = await startOpsServer({ env: { SWITCHYARD_API_KEYS: KEY }, local: true, traceFile });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows live decisions, signal plots and savings while a trace replays and requests flow', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, httpCredentials: { username: 'operator', password: KEY, send: 'always' } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#live.ok', { timeout: 10_000 });

    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const ask = (model: string, content: string, stream = false): Promise<unknown> =>
      stream
        ? client.chat.completions.create({ model, messages: [{ role: 'user', content }], max_tokens: 24, stream: true }).then(async (s) => {
            for await (const _ of s);
          })
        : client.chat.completions.create({ model, messages: [{ role: 'user', content }], max_tokens: 24 });
    let sent = 0;
    for (let step = 0; step < 48; step++) {
      if (step === 36) server.fake.next({ kind: 'status', status: 503 }); // the next cloud call falls back to local
      const model = step % 7 === 3 ? 'cloud' : 'auto';
      await ask(model, PROMPTS[step % PROMPTS.length] as string, step % 4 === 1);
      sent++;
      await new Promise((r) => setTimeout(r, 200));
    }

    await page.waitForFunction(`Number(document.body.dataset.decisions) >= ${sent}`, undefined, { timeout: 10_000 });
    await page.waitForFunction('Number(document.body.dataset.samples) >= 8', undefined, { timeout: 10_000 }); // 1 sample/s
    expect(await page.textContent('#k-requests')).toBe(String(sent));
    expect(await page.textContent('#k-share')).toMatch(/^\d+%$/);
    expect(Number(await page.textContent('#k-fallbacks'))).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#k-saved-usd')).toMatch(/^\$0\.\d*[1-9]/);
    expect(await page.locator('#decisions td.rule', { hasText: 'low-battery' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#decisions td.rule', { hasText: 'private-data' }).count()).toBeGreaterThan(0);
    expect(await page.textContent('#k-saved-mwh')).toMatch(/[1-9].* m?Wh$/);
    expect(await page.locator('#decisions tr').count()).toBeGreaterThanOrEqual(sent);
    expect(await page.locator('#decisions .badge.local').count()).toBeGreaterThan(0);
    expect(await page.locator('#decisions .badge.cloud').count()).toBeGreaterThan(0);
    expect(await page.locator('#decisions .fallback').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#decisions td.reasons', { hasText: 'battery' }).count()).toBeGreaterThan(0);
    // The split under Requests adds up to it.
    const split = (await page.textContent('#k-split')) ?? '';
    expect(split.split(' · ').reduce((sum, part) => sum + Number(part.split(' ')[0]), 0)).toBe(sent);
    expect(await page.locator('canvas').count()).toBe(5);
    expect(await page.textContent('#policy')).toContain('policies/default.yaml');
    // A decision another replica answered (shared through Redis) says which replica, on the row itself.
    const own = server.service.observability.feed.state().decisions.at(-1)!;
    server.service.observability.feed.record({ ...own, id: 'chatcmpl-peer', replica: 'gateway-2-4242-a1b2c3' });
    await page.waitForSelector('#decisions .replica', { timeout: 10_000 });
    expect(await page.textContent('#decisions .replica')).toBe('via gateway-2-4242-a1b2c3');
    expect(errors).toEqual([]);

    const target = process.env.SWITCHYARD_UPDATE_SCREENSHOT === '1' ? fromPackageRoot('docs', 'dashboard.png') : join(mkdtempSync(join(tmpdir(), 'sy-dash-')), 'dashboard.png');
    await page.screenshot({ path: target }); // the viewport: header, KPIs, plots and the newest decisions
    await context.close();
  });

  it('asks for the key: without credentials the page and its stream answer 401', async () => {
    const res = await fetch(`${server.url}/dashboard`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
    expect((await fetch(`${server.url}/dashboard/events`)).status).toBe(401);
  });
});
