import { afterEach, describe, expect, it } from 'vitest';
import { LinkMonitor } from '../src/signals/link-monitor.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { FakeClock } from './fixtures/signals/fake-clock.js';
import { fakeDevice, fakeReaders } from './fixtures/signals/fake-readers.js';
import { LatencyUpstream } from './fixtures/signals/latency-upstream.js';

const upstream = new LatencyUpstream();
const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
  await upstream.close();
  upstream.delayMs = 0;
  upstream.requests.length = 0;
});

/** fetch that records every URL it is asked for, then really fetches it. */
function recordingFetch(urls: string[]): typeof fetch {
  return (input, init) => {
    urls.push(String(input));
    return fetch(input, init);
  };
}

function monitor(clock: FakeClock, urls: string[], options: Partial<ConstructorParameters<typeof LinkMonitor>[0]> = {}): LinkMonitor {
  const m = new LinkMonitor({ upstreamUrl: upstream.baseUrl, clock, fetch: recordingFetch(urls), ...options });
  stoppers.push(() => m.stop());
  return m;
}

/** Waits (real time) for the monitor's next change: probes are real HTTP round trips. */
const nextChange = (m: LinkMonitor): Promise<void> =>
  new Promise((resolve) => {
    const off = m.onChange(() => {
      off();
      resolve();
    });
  });

describe('LinkMonitor against a real upstream on 127.0.0.1', () => {
  it('measures the RTT with a HEAD of <upstream>/models, any status counting as reachable', async () => {
    await upstream.listen();
    upstream.delayMs = 120;
    const urls: string[] = [];
    const m = monitor(new FakeClock(), urls);
    m.start();
    await m.firstProbe;
    expect(m.reachable).toBe(true); // the upstream answered 404: still reachable
    expect(m.rttMs).toBeGreaterThanOrEqual(115);
    expect(m.rttMs).toBeLessThan(1_000);
    // a cold probe (connection setup) then the timed warm one
    expect(upstream.requests).toEqual([{ method: 'HEAD', url: '/v1/models' }, { method: 'HEAD', url: '/v1/models' }]);
    expect(m.bandwidthMbps).toBeNull(); // a HEAD says nothing about bandwidth
  });

  it('smooths passive samples (EWMA) and takes bandwidth only from large, unpaced bodies', () => {
    const m = monitor(new FakeClock(), []);
    m.recordResponse({ ttfbMs: 100, bytes: 1_000_000, durationMs: 1_100 }); // 8 Mbit in 1 s
    expect(m.rttMs).toBe(100);
    expect(m.bandwidthMbps).toBe(8);
    m.recordResponse({ ttfbMs: 200, bytes: 500, durationMs: 201 }); // tiny body: RTT only
    expect(m.rttMs).toBe(125);
    expect(m.bandwidthMbps).toBe(8);
    m.recordResponse({ ttfbMs: 100, bytes: 200_000, durationMs: 20_100, paced: true }); // an SSE stream
    expect(m.bandwidthMbps).toBe(8);
    m.recordResponse({ ttfbMs: 100, bytes: 4_000_000, durationMs: 1_100 }); // 32 Mbit/s
    expect(m.bandwidthMbps).toBe(14);
  });

  it('probes only when idle: real traffic replaces probes', async () => {
    await upstream.listen();
    const clock = new FakeClock();
    const urls: string[] = [];
    const m = monitor(clock, urls, { idleProbeMs: 30_000 });
    m.start();
    await m.firstProbe;
    for (let i = 0; i < 6; i++) {
      await clock.advance(10_000);
      m.recordResponse({ ttfbMs: 20, bytes: 100, durationMs: 25 });
    }
    expect(urls).toHaveLength(2); // the start-up probe (cold + warm), nothing since
    const probed = nextChange(m);
    await clock.advance(30_000);
    await probed;
    expect(urls).toHaveLength(3);
  });

  it('goes unreachable on failure, backs off exponentially, and recovers when the upstream returns', async () => {
    await upstream.listen();
    const port = upstream.port;
    const clock = new FakeClock();
    const urls: string[] = [];
    const m = monitor(clock, urls, { initialBackoffMs: 1_000, maxBackoffMs: 8_000 });
    m.start();
    await m.firstProbe;
    await upstream.close();
    m.recordFailure('connection');
    expect(m.reachable).toBe(false);
    const probeTimes: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 5; i++) {
      const failed = nextChange(m);
      const before = urls.length;
      while (urls.length === before) await clock.advance(500);
      probeTimes.push((clock.now() - start) / 1000);
      await failed;
      expect(m.reachable).toBe(false);
      expect(m.lastProbeError).toMatch(/ECONNREFUSED/);
    }
    expect(probeTimes).toEqual([1, 3, 7, 15, 23]); // waits of 1, 2, 4, 8, 8 s (capped)
    await upstream.listen(port);
    const back = nextChange(m);
    await clock.advance(8_000);
    await back;
    expect(m.reachable).toBe(true);
    expect(new Set(urls)).toEqual(new Set([`${upstream.baseUrl}/models`])); // never any other host or path
  });

  it('counts a probe with no headers within the timeout as unreachable', async () => {
    await upstream.listen();
    upstream.delayMs = 60_000;
    const clock = new FakeClock();
    const m = monitor(clock, [], { probeTimeoutMs: 2_000 });
    m.start();
    const failed = nextChange(m);
    while (upstream.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(2_000);
    await failed;
    expect(m.reachable).toBe(false);
  });
});

describe('SignalHub online state with an upstream', () => {
  it('is online with a measured RTT, and offline once the upstream stops answering', async () => {
    await upstream.listen();
    upstream.delayMs = 30;
    const clock = new FakeClock();
    const hub = new SignalHub({ clock, upstreamUrl: upstream.baseUrl, readers: fakeReaders(fakeDevice()) });
    stoppers.push(() => hub.stop());
    hub.start();
    await hub.ready();
    expect(hub.snapshot().online).toBe(true);
    expect(hub.snapshot().rttMs).toBeGreaterThanOrEqual(25);
    await upstream.close();
    hub.link?.recordFailure('connection');
    expect(hub.snapshot().online).toBe(false); // interface is up, but the upstream is gone
    expect(hub.snapshot().rttMs).not.toBeNull(); // last measurement kept; `online` tells the story
  });
});
