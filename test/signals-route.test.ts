import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignalsRouter } from '../src/server/routes/signals.js';
import { registerSignalGauges } from '../src/signals/metrics.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { fromPackageRoot } from '../src/paths.js';
import { FakeClock } from './fixtures/signals/fake-clock.js';
import { fakeDevice, fakeReaders } from './fixtures/signals/fake-readers.js';

let server: Server | null = null;
let hub: SignalHub | null = null;
afterEach(async () => {
  await hub?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  hub = null;
});

async function serve(h: SignalHub): Promise<string> {
  const app = express();
  app.use(createSignalsRouter(h));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('GET /v1/signals', () => {
  it('returns the live snapshot with each field source, following a replayed trace', async () => {
    const clock = new FakeClock();
    hub = new SignalHub({ clock, readers: fakeReaders(fakeDevice()), traceFile: fromPackageRoot('examples/traces/battery-drain-wifi-drop.jsonl') });
    hub.start();
    await hub.ready();
    const base = await serve(hub);
    const before = (await (await fetch(`${base}/v1/signals`)).json()) as Record<string, unknown>;
    expect(before).toMatchObject({ online: true, battery: { percent: 80 }, memoryFreeMb: 2048, sources: { battery: 'trace', memoryFreeMb: 'live' } });
    await clock.advance(30_000);
    const after = (await (await fetch(`${base}/v1/signals`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ online: false, battery: { percent: 65 } });
  });
});

describe('signal gauges', () => {
  it('exports known fields as gauges and leaves unknown ones without a sample', async () => {
    const device = fakeDevice();
    device.battery = null;
    device.thermal = null;
    hub = new SignalHub({ clock: new FakeClock(), readers: fakeReaders(device), localModel: () => ({ state: 'ready', queueDepth: 2, queueCapacity: 8 }) });
    hub.start();
    await hub.ready();
    const registry = new Registry();
    registerSignalGauges(registry, hub);
    const text = await registry.metrics();
    expect(text).toContain('switchyard_cpu_load_ratio{source="live"} 0.25');
    expect(text).toContain(`switchyard_memory_available_bytes{source="live"} ${2048 * 1024 * 1024}`);
    expect(text).toContain('switchyard_online{source="live"} 1');
    expect(text).toContain('switchyard_local_queue_depth{source="live"} 2');
    expect(text).toContain('switchyard_local_ready{source="live"} 1');
    expect(text).not.toMatch(/^switchyard_battery_percent\{/m); // no battery: no made-up number
    expect(text).not.toMatch(/^switchyard_upstream_rtt_seconds\{/m);
  });
});
