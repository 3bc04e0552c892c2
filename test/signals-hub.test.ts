import { afterEach, describe, expect, it } from 'vitest';
import { SignalHub, type SignalHubOptions } from '../src/signals/signal-hub.js';
import { SignalSnapshotSchema, type LocalModelSignal, type SignalSnapshot } from '../src/signals/snapshot.js';
import { FakeClock } from './fixtures/signals/fake-clock.js';
import { fakeDevice, fakeReaders, type FakeDevice } from './fixtures/signals/fake-readers.js';

let hub: SignalHub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

function startHub(device: FakeDevice, clock: FakeClock, extra: Partial<SignalHubOptions> = {}, warnings: string[] = []): SignalHub {
  hub = new SignalHub({ clock, readers: fakeReaders(device), logger: { warn: (m) => warnings.push(m) }, ...extra });
  hub.start();
  return hub;
}

describe('SignalHub with injected readers and a fake clock', () => {
  it('serves what the readers measured, in the contract shape', async () => {
    const device = fakeDevice();
    const h = startHub(device, new FakeClock());
    await h.ready();
    const s = h.snapshot();
    expect(SignalSnapshotSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({
      battery: { percent: 64, charging: false, timeRemainingMin: 180 },
      cpuLoad: 0.25,
      memoryFreeMb: 2048,
      thermal: { cpuTempC: 55, throttling: false },
      online: true,
      rttMs: null, // no upstream configured: nothing to measure
      bandwidthMbps: null,
      metered: false,
      local: { state: 'absent', queueDepth: 0, queueCapacity: 0 },
    });
    expect(h.sources().battery).toBe('live');
  });

  it('re-reads each field on its own interval, in the background', async () => {
    const device = fakeDevice();
    const clock = new FakeClock();
    const h = startHub(device, clock, { intervals: { battery: 10_000, cpuLoad: 1_000 } });
    await h.ready();
    device.battery = { percent: 8, charging: false, timeRemainingMin: 12 };
    device.cpuLoad = 0.97;
    await clock.advance(1_000);
    expect(h.snapshot().cpuLoad).toBe(0.97);
    expect(h.snapshot().battery?.percent).toBe(64); // battery not due yet
    await clock.advance(9_000);
    expect(h.snapshot().battery?.percent).toBe(8);
    expect(device.calls.cpuLoad).toBe(11);
    expect(device.calls.battery).toBe(2);
  });

  it('returns the same cached object until something changes, and tells listeners about changes only', async () => {
    const device = fakeDevice();
    const clock = new FakeClock();
    const h = startHub(device, clock, { intervals: { cpuLoad: 1_000 } });
    await h.ready();
    const seen: SignalSnapshot[] = [];
    h.onChange((s) => seen.push(s));
    const first = h.snapshot();
    await clock.advance(3_000); // same readings re-sampled
    expect(h.snapshot()).toBe(first);
    expect(seen).toHaveLength(0);
    device.cpuLoad = 0.5;
    await clock.advance(1_000);
    expect(seen.map((s) => s.cpuLoad)).toEqual([0.5]);
    expect(Object.isFrozen(h.snapshot())).toBe(true);
  });

  it('makes a failing reader unknown, logs it once, and recovers', async () => {
    const device = fakeDevice();
    device.failing.memoryFreeMb = 'EACCES /proc/meminfo';
    const clock = new FakeClock();
    const warnings: string[] = [];
    const h = startHub(device, clock, { intervals: { memoryFreeMb: 1_000 } }, warnings);
    await h.ready();
    await clock.advance(5_000);
    expect(h.snapshot().memoryFreeMb).toBeNull();
    expect(warnings.filter((w) => w.includes('memoryFreeMb reader failed'))).toHaveLength(1);
    expect(warnings[0]).toContain('EACCES /proc/meminfo');
    delete device.failing.memoryFreeMb;
    await clock.advance(1_000);
    expect(h.snapshot().memoryFreeMb).toBe(2048);
  });

  it('is offline when the interface is down and no upstream is configured', async () => {
    const device = fakeDevice();
    const clock = new FakeClock();
    const h = startHub(device, clock, { intervals: { network: 2_000 } });
    await h.ready();
    expect(h.snapshot().online).toBe(true);
    device.network = { interfaceUp: false, metered: null };
    await clock.advance(2_000);
    expect(h.snapshot()).toMatchObject({ online: false, metered: null });
  });

  it('reflects the local model state on the very next snapshot', async () => {
    const local: LocalModelSignal = { state: 'loading', queueDepth: 0, queueCapacity: 8 };
    const h = startHub(fakeDevice(), new FakeClock(), { localModel: () => ({ ...local }) });
    await h.ready();
    expect(h.snapshot().local).toEqual({ state: 'loading', queueDepth: 0, queueCapacity: 8 });
    local.state = 'ready';
    local.queueDepth = 3;
    expect(h.snapshot().local).toEqual({ state: 'ready', queueDepth: 3, queueCapacity: 8 });
  });

  it('leaves no timers and calls no reader after stop()', async () => {
    const device = fakeDevice();
    const clock = new FakeClock();
    const h = startHub(device, clock);
    await h.ready();
    expect(clock.pending).toBeGreaterThan(0);
    await h.stop();
    expect(clock.pending).toBe(0);
    const calls = { ...device.calls };
    await clock.advance(120_000);
    expect(device.calls).toEqual(calls);
  });
});
