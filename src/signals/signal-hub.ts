import { systemClock, type Clock } from './clock.js';
import { compose, sameLocal, sameReadings, type Composed, type SignalSources } from './compose.js';
import { DEFAULT_INTERVALS, DeviceSampling, type SamplingIntervals } from './device-sampling.js';
import { LinkMonitor, type LinkMonitorOptions } from './link-monitor.js';
import type { TargetLink } from './target-link.js';
import { stderrLogger, type SignalLogger } from './logger.js';
import type { SignalOverride } from './override.js';
import { OverrideWatcher } from './override-watcher.js';
import type { DeviceReaders } from './readers/device-readers.js';
import { createSystemReaders } from './readers/system-readers.js';
import type { LocalModelSignal, SignalSnapshot } from './snapshot.js';
import { TracePlayer, readTraceFile } from './trace.js';

export interface SignalHubOptions {
  /** The upstream base URL; its host is the only one probed. null/absent: `online` from interface state only. */
  upstreamUrl?: string | null;
  /** `--signals FILE`: overrides live readings, re-read on change. */
  overrideFile?: string;
  /** `--signals-trace FILE.jsonl`: replayed from `start()`. */
  traceFile?: string;
  /** Per-reader sampling interval in ms; see DEFAULT_INTERVALS. */
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
const READER_NAMES: (keyof DeviceReaders)[] = ['battery', 'cpuLoad', 'memoryFreeMb', 'thermal', 'network'];

/**
 * The one place the router gets device and link state from. Readers run in the background; `snapshot()`
 * returns the latest merged snapshot (live ← trace ← override) synchronously and never touches the OS.
 */
export class SignalHub {
  /** Feed real upstream responses into this (null when no upstream is configured). */
  readonly link: LinkMonitor | null;
  private readonly clock: Clock;
  private readonly log: SignalLogger;
  private readonly localModel: (() => LocalModelSignal) | undefined;
  private readonly device: DeviceSampling;
  private trace: SignalOverride = {};
  private override: SignalOverride = {};
  private current: Composed;
  private readonly listeners = new Set<SignalListener>();
  private overrideWatcher: OverrideWatcher | null = null;
  private tracePlayer: TracePlayer | null = null;
  private unsubscribeLink: (() => void) | null = null;
  /** A targets file's own `cloud` pool's link, read instead of `link` (see useCloudLink). */
  private cloudLink: (() => TargetLink | null) | null = null;
  private lastCloudLink: TargetLink | null = null;

  constructor(private readonly options: SignalHubOptions = {}) {
    const base = options.clock ?? systemClock;
    this.clock = options.now === undefined ? base : { now: options.now, after: (ms, fn) => base.after(ms, fn) };
    this.log = options.logger ?? stderrLogger;
    this.localModel = options.localModel;
    const given = options.readers ?? {};
    const readers = { ...(READER_NAMES.every((n) => given[n] !== undefined) ? {} : createSystemReaders()), ...given } as DeviceReaders;
    this.device = new DeviceSampling(readers, { ...DEFAULT_INTERVALS, ...options.intervals }, this.clock, this.log, () => this.rebuild());
    this.link =
      options.upstreamUrl === undefined || options.upstreamUrl === null
        ? null
        : new LinkMonitor({ upstreamUrl: options.upstreamUrl, clock: this.clock, ...(options.fetch ? { fetch: options.fetch } : {}), ...options.link });
    this.current = this.assemble();
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
    this.unsubscribeLink = this.link?.onChange(() => this.rebuild()) ?? null;
    this.link?.start();
    this.tracePlayer?.start();
    this.device.start();
    this.rebuild();
  }

  /** Stops every timer, watcher, probe and reader call; nothing runs after this resolves. */
  async stop(): Promise<void> {
    this.overrideWatcher?.stop();
    this.tracePlayer?.stop();
    this.unsubscribeLink?.();
    await Promise.all([this.device.stop(), this.link?.stop()]);
  }

  /** Call after `start()`. Settles once every reader ran once and the first upstream probe (if any) finished. */
  async ready(): Promise<void> {
    await Promise.all([this.device.first(), this.link?.firstProbe]);
  }

  /** The latest snapshot: synchronous, the same frozen object until a reading changes. */
  snapshot(): SignalSnapshot {
    if (this.localModel !== undefined && !sameLocal(this.localModel(), this.current.snapshot.local)) this.rebuild();
    if (this.cloudLink !== null && !sameLink(this.cloudLink(), this.lastCloudLink)) this.rebuild();
    return this.current.snapshot;
  }

  /**
   * The cloud is a targets file's own pool: `online`, `rttMs` and `bandwidthMbps` are then its link (online while
   * any endpoint is up, the best RTT and bandwidth), read when a snapshot is taken, instead of a probe of the
   * SWITCHYARD_UPSTREAM_URL shorthand.
   */
  useCloudLink(read: () => TargetLink | null): void {
    this.cloudLink = read;
    this.rebuild();
  }

  /** Whether the link fields describe a link to the cloud (else only whether a network interface is up). */
  get measuresLink(): boolean {
    return this.link !== null || this.cloudLink !== null;
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

  private assemble(): Composed {
    const { battery, cpuLoad, memoryFreeMb, thermal, interfaceUp, metered } = this.device.readings;
    const probed = this.link;
    const cloud = this.cloudLink?.() ?? null;
    this.lastCloudLink = cloud;
    const link = cloud ?? (probed === null ? null : { online: probed.reachable !== false, rttMs: probed.rttMs, bandwidthMbps: probed.bandwidthMbps });
    // Unknown interface state counts as up: the upstream probe (when configured) has the final word.
    const online = interfaceUp !== false && (link === null || link.online);
    const live = { battery, cpuLoad, memoryFreeMb, thermal, online, rttMs: link?.rttMs ?? null, bandwidthMbps: link?.bandwidthMbps ?? null, metered };
    return compose(live, this.trace, this.override, this.localModel?.() ?? NO_LOCAL_MODEL, this.clock.now());
  }

  private rebuild(): void {
    const next = this.assemble();
    const previous = this.current;
    if (sameReadings(previous.snapshot, next.snapshot) && sameSources(previous.sources, next.sources)) return;
    this.current = next;
    for (const listener of this.listeners) listener(next.snapshot, next.sources);
  }
}

function sameSources(a: SignalSources, b: SignalSources): boolean {
  for (const key in a) if (a[key as keyof SignalSources] !== b[key as keyof SignalSources]) return false;
  return true;
}

function sameLink(a: TargetLink | null, b: TargetLink | null): boolean {
  return a === b || (a !== null && b !== null && a.online === b.online && a.rttMs === b.rttMs && a.bandwidthMbps === b.bandwidthMbps);
}
