import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignalsRouter } from '../src/server/routes/signals.js';
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
