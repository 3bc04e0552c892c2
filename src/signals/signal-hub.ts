import { systemClock, type Clock } from './clock.js';
import { compose, sameReadings, sameLocal, type Composed, type LiveReadings, type SignalSources } from './compose.js';
import { LinkMonitor, type LinkMonitorOptions } from './link-monitor.js';
import { stderrLogger, type SignalLogger } from './logger.js';
import type { SignalOverride } from './override.js';
import { OverrideWatcher } from './override-watcher.js';
import type { DeviceReaders, NetworkReading } from './readers/device-readers.js';
import { createSystemReaders } from './readers/system-readers.js';
import { Sampler } from './sampler.js';
import type { LocalModelSignal, SignalSnapshot } from './snapshot.js';
import { TracePlayer, readTraceFile } from './trace.js';

/** How often each reader runs, in ms. Defaults keep the sampler under ~1% of one core (see bench:signals). */
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

export interface SignalHubOptions {
  /** The upstream base URL; its host is the only one probed. null/absent: `online` from interface state only. */
  upstreamUrl?: string | null;
  /** `--signals FILE`: overrides live readings, re-read on change. */
  overrideFile?: string;
  /** `--signals-trace FILE.jsonl`: replayed from `start()`. */
  traceFile?: string;
  intervals?: Partial<SamplingIntervals>;
  /** Read on every `snapshot()`; keep it to a few field reads. */
  localModel?: () => LocalModelSignal;
  /** Wall clock in ms; overrides `clock.now`. */
  now?: () => number;
  /** Wall clock plus timers; tests pass a fake. */
  clock?: Clock;
  /** Readers not given here are the real systeminformation ones. */
  readers?: Partial<DeviceReaders>;
  fetch?: typeof fetch;
  link?: Pick<LinkMonitorOptions, 'idleProbeMs' | 'probeTimeoutMs' | 'initialBackoffMs' | 'maxBackoffMs'>;
  logger?: SignalLogger;
}

export type SignalListener = (snapshot: SignalSnapshot, sources: SignalSources) => void;

const NO_LOCAL_MODEL: LocalModelSignal = { state: 'absent', queueDepth: 0, queueCapacity: 0 };

/**
 * The one place the router gets device and link state from. Readers run in the background; `snapshot()`
 * returns the latest merged (live ← trace ← override) snapshot object synchronously, never touching the OS.
 */
export class SignalHub {
  /** Feed real upstream responses into this (null when no upstream is configured). */
  readonly link: LinkMonitor | null;
  private readonly clock: Clock;
  private readonly readers: DeviceReaders;
  private readonly intervals: SamplingIntervals;
  private readonly log: SignalLogger;
  private readonly localModel: (() => LocalModelSignal) | undefined;
  private readonly live: LiveReadings & { interfaceUp: boolean | null };
  private trace: SignalOverride = {};
  private override: SignalOverride = {};
  private current: Composed;
  private readonly listeners = new Set<SignalListener>();
  private readonly failing = new Map<string, string>();
  private samplers: Sampler<unknown>[] = [];
  private overrideWatcher: OverrideWatcher | null = null;
  private tracePlayer: TracePlayer | null = null;
  private unsubscribeLink: (() => void) | null = null;

  constructor(private readonly options: SignalHubOptions = {}) {
    const base = options.clock ?? systemClock;
    this.clock = options.now === undefined ? base : { now: options.now, after: (ms, fn) => base.after(ms, fn) };
    this.readers = { ...(needsSystemReaders(options.readers) ? createSystemReaders() : {}), ...options.readers } as DeviceReaders;
    this.intervals = { ...DEFAULT_INTERVALS, ...options.intervals };
    this.log = options.logger ?? stderrLogger;
    this.localModel = options.localModel;
    this.link =
      options.upstreamUrl === undefined || options.upstreamUrl === null
        ? null
        : new LinkMonitor({ upstreamUrl: options.upstreamUrl, clock: this.clock, ...(options.fetch ? { fetch: options.fetch } : {}), ...options.link });
    this.live = {
      battery: null,
      cpuLoad: null,
      memoryFreeMb: null,
      thermal: null,
      online: true,
      rttMs: null,
      bandwidthMbps: null,
      metered: null,
      interfaceUp: null,
    };
    this.current = compose(this.live, {}, {}, this.localModel?.() ?? NO_LOCAL_MODEL, this.clock.now());
  }

  /**
   * Starts sampling, probing, watching and replaying. Throws `SignalInputError` when the override or trace
   * file is missing or invalid (later invalid edits are logged and ignored).
   */
  start(): void {
    // Both files are read before anything starts, so a bad file leaves nothing running behind the throw.
    if (this.options.traceFile !== undefined) {
      this.tracePlayer = new TracePlayer(readTraceFile(this.options.traceFile), this.clock, (state) => {
        this.trace = state;
        this.rebuild();
      });
    }
    if (this.options.overrideFile !== undefined) {
      this.overrideWatcher = new OverrideWatcher(this.options.overrideFile, (o) => this.setOverride(o), this.clock, this.log);
      this.override = this.overrideWatcher.start();
    }
    const r = this.readers;
    this.samplers = [
      this.sampler('battery', () => r.battery(), (v) => (this.live.battery = v)),
      this.sampler('cpuLoad', () => r.cpuLoad(), (v) => (this.live.cpuLoad = v)),
      this.sampler('memoryFreeMb', () => r.memoryFreeMb(), (v) => (this.live.memoryFreeMb = v)),
      this.sampler('thermal', () => r.thermal(), (v) => (this.live.thermal = v)),
      this.sampler('network', () => r.network(), (v: NetworkReading) => {
        this.live.interfaceUp = v.interfaceUp;
        this.live.metered = v.metered;
      }),
    ] as Sampler<unknown>[];
    this.unsubscribeLink = this.link?.onChange(() => this.rebuild()) ?? null;
    this.link?.start();
    this.tracePlayer?.start();
    for (const sampler of this.samplers) sampler.start();
    this.rebuild();
  }

  /** Stops every timer, watcher, probe and reader call; nothing runs after this resolves. */
  async stop(): Promise<void> {
    this.overrideWatcher?.stop();
    this.tracePlayer?.stop();
    this.unsubscribeLink?.();
    await Promise.all([...this.samplers.map((s) => s.stop()), this.link?.stop()]);
    this.samplers = [];
  }

  /** Call after `start()`. Settles once every reader ran once and the first upstream probe (if any) finished. */
  async ready(): Promise<void> {
    await Promise.all([...this.samplers.map((s) => s.first), this.link?.firstProbe]);
  }

  /** The latest snapshot; synchronous, allocation-free unless the local model's state changed. */
  snapshot(): SignalSnapshot {
    if (this.localModel !== undefined && !sameLocal(this.localModel(), this.current.snapshot.local)) this.rebuild();
    return this.current.snapshot;
  }

  /** Which layer each field of `snapshot()` came from. */
  sources(): SignalSources {
    return this.current.sources;
  }

  /** Called with each new snapshot whose readings differ from the previous one. Returns an unsubscribe. */
  onChange(listener: SignalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setOverride(override: SignalOverride): void {
    this.override = override;
    this.rebuild();
  }

  private rebuild(): void {
    const link = this.link;
    this.live.online = this.live.interfaceUp !== false && (link === null || link.reachable !== false);
    this.live.rttMs = link?.rttMs ?? null;
    this.live.bandwidthMbps = link?.bandwidthMbps ?? null;
    const next = compose(this.live, this.trace, this.override, this.localModel?.() ?? NO_LOCAL_MODEL, this.clock.now());
    const previous = this.current;
    if (sameReadings(previous.snapshot, next.snapshot) && sameSources(previous.sources, next.sources)) return;
    this.current = next;
    for (const listener of this.listeners) listener(next.snapshot, next.sources);
  }

  private sampler<T>(name: keyof DeviceReaders, read: () => Promise<T>, store: (value: T) => void): Sampler<T> {
    return new Sampler<T>(
      read,
      this.intervals[name],
      this.clock,
      (value) => {
        if (this.failing.delete(name)) this.log.warn(`signals: ${name} reader recovered`);
        store(value);
        this.rebuild();
      },
      (error) => {
        const message = error instanceof Error ? error.message : String(error);
        // Log each distinct failure once, not every interval; the field reads as unknown meanwhile.
        if (this.failing.get(name) !== message) this.log.warn(`signals: ${name} reader failed (now unknown): ${message}`);
        this.failing.set(name, message);
        this.clearField(name);
        this.rebuild();
      },
    );
  }

  private clearField(name: keyof DeviceReaders): void {
    if (name === 'network') {
      this.live.interfaceUp = null;
      this.live.metered = null;
    } else {
      this.live[name] = null;
    }
  }
}

function needsSystemReaders(given: Partial<DeviceReaders> | undefined): boolean {
  const all: (keyof DeviceReaders)[] = ['battery', 'cpuLoad', 'memoryFreeMb', 'thermal', 'network'];
  return all.some((name) => given?.[name] === undefined);
}

function sameSources(a: SignalSources, b: SignalSources): boolean {
  for (const key in a) if (a[key as keyof SignalSources] !== b[key as keyof SignalSources]) return false;
  return true;
}
