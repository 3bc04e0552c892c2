import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObservability } from '../src/observability/index.js';
import type { Observability } from '../src/observability/index.js';
import { EnergyConfigSchema } from '../src/observability/energy-config.js';
import { cloudRecord, localRecord, snapshot } from './ops-fixtures.js';

let obs: Observability;
let server: Server;
let base: string;
let breaker: 'closed' | 'open' | 'half-open' = 'closed';

beforeAll(async () => {
  obs = createObservability({
    sources: {
      signals: () => snapshot({ battery: null, rttMs: 40 }),
      policyStatus: () => ({ file: 'policies/default.yaml', loadedAt: '2023-11-14T22:13:20.000Z', lastError: null }),
      connectivity: () => ({ state: 'degraded', breaker }),
    },
    energy: EnergyConfigSchema.parse({}),
  });
  const app = express();
  app.use(obs.metricsRouter());
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await obs.close();
  await new Promise((r) => server.close(r));
});

async function scrape(): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  return res.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('exports only switchyard_-prefixed series', async () => {
    const text = await scrape();
    const names = text
      .split('\n')
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(name).toMatch(/^switchyard_/);
  });

  it('counts requests by target, model, rule and fallback cause, with tokens, latency and money', async () => {
    obs.observer.onRequest(localRecord());
    obs.observer.onRequest(localRecord());
    obs.observer.onRequest(
      cloudRecord({ fallback: { cause: 'local-queue-full', from: 'local', to: 'cloud', continued: false, detail: 'queue 8/8' } }),
    );
    const text = await scrape();
    expect(sample(text, 'switchyard_requests_total{endpoint="chat",target="local",model="tiny-llama",rule="simple-on-device",fallback="none",status="200"}')).toBe(2);
    expect(sample(text, 'switchyard_requests_total{endpoint="chat",target="cloud",model="gpt-4o-mini",rule="hard-to-cloud",fallback="local-queue-full",status="200"}')).toBe(1);
    expect(sample(text, 'switchyard_fallbacks_total{cause="local-queue-full",from="local",to="cloud"}')).toBe(1);
    expect(sample(text, 'switchyard_tokens_total{direction="in",target="local",model="tiny-llama"}')).toBe(200);
    expect(sample(text, 'switchyard_tokens_total{direction="out",target="cloud",model="gpt-4o-mini"}')).toBe(500);
    expect(sample(text, 'switchyard_request_duration_seconds_count{endpoint="chat",target="local"}')).toBe(2);
    expect(sample(text, 'switchyard_time_to_first_token_seconds_count{target="cloud"}')).toBe(1);
    // 2 × 720 ms × 20 W = 28.8 J
    expect(sample(text, 'switchyard_local_energy_joules_total')).toBeCloseTo(28.8, 6);
    expect(sample(text, 'switchyard_cloud_cost_usd_total{model="gpt-4o-mini"}')).toBeCloseTo(0.00045, 9);
    expect(sample(text, 'switchyard_saved_cost_usd_total')).toBeGreaterThan(0);
    expect(sample(text, 'switchyard_saved_energy_joules_total')).toBeGreaterThan(0);
  });

  it('reads signal, queue, connectivity, breaker and policy gauges at scrape time; unknown signals export nothing', async () => {
    let text = await scrape();
    expect(sample(text, 'switchyard_cpu_load_ratio{scope="device"}')).toBe(0.35);
    expect(sample(text, 'switchyard_link_rtt_seconds{scope="link"}')).toBe(0.04);
    expect(sample(text, 'switchyard_link_bandwidth_bits_per_second{scope="link"}')).toBe(25e6);
    expect(sample(text, 'switchyard_local_queue_depth{scope="device"}')).toBe(1);
    expect(text).not.toMatch(/^switchyard_battery_percent/m); // mains power: no battery, no made-up value
    expect(sample(text, 'switchyard_connectivity_state{state="degraded"}')).toBe(1);
    expect(sample(text, 'switchyard_connectivity_state{state="online"}')).toBe(0);
    expect(sample(text, 'switchyard_policy_reload_ok{file="policies/default.yaml"}')).toBe(1);
    expect(sample(text, 'switchyard_breaker_state{state="closed"}')).toBe(1);
    expect(sample(text, 'switchyard_policy_loaded_timestamp_seconds{file="policies/default.yaml"}')).toBe(1_700_000_000);
    breaker = 'open';
    text = await scrape();
    expect(sample(text, 'switchyard_breaker_state{state="open"}')).toBe(1);
    expect(sample(text, 'switchyard_breaker_state{state="closed"}')).toBe(0);
  });
});
