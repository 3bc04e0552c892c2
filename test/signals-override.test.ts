import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalInputError } from '../src/signals/input-error.js';
import { readOverrideFile } from '../src/signals/override.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import type { SignalSnapshot } from '../src/signals/snapshot.js';
import { systemClock, type Clock } from '../src/signals/clock.js';
import { fakeDevice, fakeReaders } from './fixtures/signals/fake-readers.js';

let dir: string;
let hub: SignalHub | null = null;
const warnings: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-signals-'));
  warnings.length = 0;
});
afterEach(async () => {
  await hub?.stop();
  hub = null;
  rmSync(dir, { recursive: true, force: true });
});

async function startWith(file: string): Promise<SignalHub> {
  hub = new SignalHub({ clock: systemClock, readers: fakeReaders(fakeDevice()), overrideFile: file, logger: { warn: (m) => warnings.push(m) } });
  hub.start();
  await hub.ready();
  return hub;
}

/** Resolves with the first snapshot (after now) that satisfies `test`; real fs events, so real time. */
function changeTo(h: SignalHub, test: (s: SignalSnapshot) => boolean): Promise<SignalSnapshot> {
  return new Promise((resolve) => {
    const off = h.onChange((s) => {
      if (!test(s)) return;
      off();
      resolve(s);
    });
  });
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('--signals override file', () => {
  it('overrides only the fields it names, and says so in sources', async () => {
    const file = join(dir, 'signals.json');
    writeFileSync(file, JSON.stringify({ battery: { percent: 8 }, rttMs: 3000, thermal: { throttling: true } }));
    const h = await startWith(file);
    expect(h.snapshot()).toMatchObject({
      battery: { percent: 8, charging: false, timeRemainingMin: null },
      rttMs: 3000,
      thermal: { cpuTempC: 55, throttling: true }, // partial thermal keeps the live temperature
      cpuLoad: 0.25, // not overridden: live
    });
    expect(h.sources()).toMatchObject({ battery: 'override', rttMs: 'override', thermal: 'override', cpuLoad: 'live' });
  });

  it('re-reads the file when it changes (YAML, battery: null = mains)', async () => {
    const file = join(dir, 'signals.yaml');
    writeFileSync(file, 'cpuLoad: 0.97\n');
    const h = await startWith(file);
    expect(h.snapshot().cpuLoad).toBe(0.97);
    const changed = changeTo(h, (s) => s.battery === null);
    writeFileSync(file, 'battery: null\nonline: false\n');
    const s = await changed;
    expect(s).toMatchObject({ battery: null, online: false, cpuLoad: 0.25 });
    expect(h.sources().cpuLoad).toBe('live');
  });

  it('keeps the previous override on an invalid edit and logs the file and field', async () => {
    const file = join(dir, 'signals.json');
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.9 }));
    const h = await startWith(file);
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.9, battery: { percent: 180 } }));
    await until(() => warnings.length > 0);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain('battery.percent');
    expect(h.snapshot().cpuLoad).toBe(0.9);
    expect(h.snapshot().battery?.percent).toBe(64);
    const fixed = changeTo(h, (s) => s.cpuLoad === 0.1);
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.1 }));
    await fixed;
  });

  it('rejects unknown fields and broken syntax with a clear error at startup', () => {
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'online: true\nbattry: {percent: 5}\n');
    expect(() => readOverrideFile(typo)).toThrow(SignalInputError);
    expect(() => readOverrideFile(typo)).toThrow('typo.yaml:2: (root): Unrecognized key: "battry" (did you mean "battery"?)');
    const range = join(dir, 'range.json');
    writeFileSync(range, '{\n  "online": true,\n  "battery": {\n    "percent": 140\n  }\n}\n');
    expect(() => readOverrideFile(range)).toThrow(/range\.json:4: battery\.percent: Too big/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"cpuLoad": ');
    expect(() => readOverrideFile(broken)).toThrow(/broken\.json:1: not valid JSON/);
    hub = new SignalHub({ readers: fakeReaders(fakeDevice()), overrideFile: join(dir, 'missing.json') });
    expect(() => hub?.start()).toThrow(/missing\.json: cannot read/);
    expect(readFileSync(typo, 'utf8')).toContain('battry'); // never rewrites the user's file
  });

  it('stops watching and leaves no timer behind after stop()', async () => {
    const file = join(dir, 'signals.json');
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.3 }));
    let outstanding = 0;
    const counting: Clock = {
      now: () => Date.now(),
      after(ms, fn) {
        outstanding += 1;
        let live = true;
        const cancel = systemClock.after(ms, () => {
          live = false;
          outstanding -= 1;
          fn();
        });
        return () => {
          if (live) outstanding -= 1;
          live = false;
          cancel();
        };
      },
    };
    const h = new SignalHub({ clock: counting, readers: fakeReaders(fakeDevice()), overrideFile: file, logger: { warn: (m) => warnings.push(m) } });
    h.start();
    await h.ready();
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.4 })); // a reload may be pending while we stop
    await h.stop();
    expect(outstanding).toBe(0);
    let changes = 0;
    h.onChange(() => (changes += 1));
    writeFileSync(file, JSON.stringify({ cpuLoad: 0.5 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(changes).toBe(0);
    expect(outstanding).toBe(0);
  });
});
