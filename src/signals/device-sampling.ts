import type { Clock } from './clock.js';
import type { SignalLogger } from './logger.js';
import type { DeviceReaders } from './readers/device-readers.js';
import { Sampler } from './sampler.js';
import type { Battery, Thermal } from './snapshot.js';

/** How often each reader runs, in ms. Defaults keep the sampler well under 1% of one core (see bench:signals). */
export interface SamplingIntervals {
  battery: number;
  cpuLoad: number;
  memoryFreeMb: number;
  thermal: number;
  network: number;
}

export const DEFAULT_INTERVALS: SamplingIntervals = {
  battery: 15_000,
  cpuLoad: 2_000,
  memoryFreeMb: 5_000,
  thermal: 10_000,
  network: 2_000,
};

/** The latest device readings; null = unknown (not read yet, or the reader failed). */
export interface DeviceReadings {
  battery: Battery | null;
  cpuLoad: number | null;
  memoryFreeMb: number | null;
  thermal: Thermal | null;
  interfaceUp: boolean | null;
  metered: boolean | null;
}

/**
 * Runs every device reader on its own interval in the background and keeps the latest readings. A failing
 * reader makes its fields unknown and is logged once per distinct error (not every interval).
 */
export class DeviceSampling {
  readonly readings: DeviceReadings = { battery: null, cpuLoad: null, memoryFreeMb: null, thermal: null, interfaceUp: null, metered: null };
  private readonly samplers: Sampler<unknown>[];
  private readonly failing = new Map<string, string>();

  constructor(
    readers: DeviceReaders,
    intervals: SamplingIntervals,
    clock: Clock,
    private readonly log: SignalLogger,
    private readonly onChange: () => void,
  ) {
    const r = this.readings;
    const sampler = <T>(name: keyof DeviceReaders, store: (value: T | null) => void, read: () => Promise<T>): Sampler<unknown> =>
      new Sampler<T>(read, intervals[name], clock, (value) => this.stored(name, () => store(value)), (error) => this.failed(name, error, () => store(null))) as Sampler<unknown>;
    this.samplers = [
      sampler('battery', (v) => (r.battery = v), () => readers.battery()),
      sampler('cpuLoad', (v) => (r.cpuLoad = v), () => readers.cpuLoad()),
      sampler('memoryFreeMb', (v) => (r.memoryFreeMb = v), () => readers.memoryFreeMb()),
      sampler('thermal', (v) => (r.thermal = v), () => readers.thermal()),
      sampler('network', (v) => ([r.interfaceUp, r.metered] = [v?.interfaceUp ?? null, v?.metered ?? null]), () => readers.network()),
    ];
  }

  start(): void {
    for (const sampler of this.samplers) sampler.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.samplers.map((s) => s.stop()));
  }

  /** Settles once every reader ran once (read or failed). */
  async first(): Promise<void> {
    await Promise.all(this.samplers.map((s) => s.first));
  }

  private stored(name: string, store: () => void): void {
    if (this.failing.delete(name)) this.log.warn(`signals: ${name} reader recovered`);
    store();
    this.onChange();
  }

  private failed(name: string, error: unknown, clear: () => void): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.failing.get(name) !== message) this.log.warn(`signals: ${name} reader failed (now unknown): ${message}`);
    this.failing.set(name, message);
    clear();
    this.onChange();
  }
}
