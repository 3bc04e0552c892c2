import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../src/paths.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { parseTrace, readTraceFile } from '../src/signals/trace.js';
import { FakeClock } from './fixtures/signals/fake-clock.js';
import { fakeDevice, fakeReaders } from './fixtures/signals/fake-readers.js';

const EXAMPLE = fromPackageRoot('examples/traces/battery-drain-wifi-drop.jsonl');

let hub: SignalHub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

describe('--signals-trace replay', () => {
  it('drains the battery from 80% to 5% while Wi-Fi drops at t=30 s (the example trace)', async () => {
    const clock = new FakeClock();
    hub = new SignalHub({ clock, readers: fakeReaders(fakeDevice()), traceFile: EXAMPLE });
    hub.start();
    await hub.ready();
    expect(hub.snapshot()).toMatchObject({ battery: { percent: 80 }, online: true, rttMs: 45 });
    expect(hub.sources()).toMatchObject({ battery: 'trace', online: 'trace', memoryFreeMb: 'live' });

    const percents: number[] = [];
    hub.onChange((s) => percents.push(s.battery?.percent ?? -1));
    await clock.advance(29_999);
    expect(hub.snapshot()).toMatchObject({ online: true, rttMs: 120 });
    await clock.advance(1);
    expect(hub.snapshot()).toMatchObject({ online: false, rttMs: null, bandwidthMbps: null, battery: { percent: 65 } });
    await clock.advance(120_000);
    expect(hub.snapshot()).toMatchObject({ online: false, battery: { percent: 5, timeRemainingMin: 9 }, thermal: { cpuTempC: 78, throttling: true } });
    expect(percents).toEqual([75, 70, 65, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5]);
    await clock.advance(600_000);
    expect(hub.snapshot().battery?.percent).toBe(5); // the last state persists
  });

  it('layers each line over the earlier ones and an override file over the trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-trace-'));
    try {
      const override = join(dir, 'o.json');
      writeFileSync(override, JSON.stringify({ online: true }));
      const clock = new FakeClock();
      hub = new SignalHub({ clock, readers: fakeReaders(fakeDevice()), traceFile: EXAMPLE, overrideFile: override });
      hub.start();
      await clock.advance(60_000);
      expect(hub.snapshot()).toMatchObject({ online: true, cpuLoad: 0.6, battery: { percent: 50 } });
      expect(hub.sources()).toMatchObject({ online: 'override', cpuLoad: 'trace' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses the documented format and names file, line and field on errors', () => {
    const steps = readTraceFile(EXAMPLE);
    expect(steps).toHaveLength(16);
    expect(steps[3]).toMatchObject({ atMs: 30_000, state: { online: false, battery: { percent: 65 }, cpuLoad: 0.2 } });
    expect(() => parseTrace('{"t":0,"cpuLoad":0.1}\n\n{"t":5,"cpuLoad":1.5}\n', 'demo.jsonl')).toThrow(/demo\.jsonl:3: cpuLoad: Too big/);
    expect(() => parseTrace('{"cpuLoad":0.1}\n', 'demo.jsonl')).toThrow(/demo\.jsonl:1: t: /);
    expect(() => parseTrace('{"t":0,\n', 'demo.jsonl')).toThrow(/demo\.jsonl:1: not valid JSON/);
  });
});
