import { systemClock, type Cancel, type Clock } from './clock.js';
import { Ewma } from './ewma.js';
import { probeUpstream, type ProbeResult } from './link-probe.js';

export interface ResponseSample {
  /** Time from sending the request to the response headers, in ms. */
  ttfbMs: number;
  /** Body bytes received. */
  bytes: number;
  /** Time from sending the request to the last body byte, in ms. */
  durationMs: number;
  /**
   * True when the body was paced by the upstream (an SSE token stream): its bytes/s measure generation speed,
   * not the link, so only the RTT is used.
   */
  paced?: boolean;
}

export type FailureKind = 'connection' | 'timeout';

export interface LinkMonitorOptions {
  /** The configured upstream base URL (e.g. `http://127.0.0.1:8080/v1`); the only host ever contacted. */
  upstreamUrl: string;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Probe when no passive sample arrived for this long, in ms. */
  idleProbeMs?: number;
  /** A probe without response headers after this long counts as a failure, in ms. */
  probeTimeoutMs?: number;
  /** First retry delay after a failure, in ms; doubles per failed probe up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Bodies smaller than this finish within a few packets: their transfer time says nothing about bandwidth. */
const MIN_BANDWIDTH_BYTES = 16 * 1024;
const ALPHA = 0.25;

/**
 * Link quality to the upstream, measured not guessed. Passive: every real upstream response feeds its time
 * to headers (RTT) and bytes/s (bandwidth) into EWMAs. Active: a HEAD of `<upstream>/models` (any HTTP status
 * = reachable) when the link was idle for `idleProbeMs`, or soon after a failure, backing off exponentially
 * while unreachable.
 */
export class LinkMonitor {
  private readonly rtt = new Ewma(ALPHA);
  private readonly bandwidth = new Ewma(ALPHA);
  private state: boolean | null = null;
  private lastError: string | null = null;
  private warm = false;
  private lastActivity: number;
  private backoffMs: number;
  private timer: Cancel | null = null;
  private inFlight: { controller: AbortController; done: Promise<void> } | null = null;
  private running = false;
  private readonly listeners = new Set<() => void>();
  private resolveFirstProbe: (() => void) | null = null;
  /** Settles when the first probe after `start()` finished (or `stop()` was called). */
  readonly firstProbe: Promise<void> = new Promise((resolve) => (this.resolveFirstProbe = resolve));
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly probeUrl: string;
  private readonly idleProbeMs: number;
  private readonly probeTimeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: LinkMonitorOptions) {
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.probeUrl = `${options.upstreamUrl.replace(/\/+$/, '')}/models`;
    this.idleProbeMs = options.idleProbeMs ?? 30_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.backoffMs = this.initialBackoffMs;
    this.lastActivity = this.clock.now();
  }

  /** Smoothed time to response headers, in ms (0.1 ms resolution); null before any measurement. */
  get rttMs(): number | null {
    return this.rtt.value === null ? null : Math.round(this.rtt.value * 10) / 10;
  }

  /** Smoothed downstream throughput of large responses, in Mbit/s; null before any measurement. */
  get bandwidthMbps(): number | null {
    return this.bandwidth.value === null ? null : Math.round(this.bandwidth.value * 100) / 100;
  }

  /** Whether the upstream answered lately; null before the first answer or failure. */
  get reachable(): boolean | null {
    return this.state;
  }

  /** Why the last probe failed (e.g. `connect ECONNREFUSED 127.0.0.1:9`); null after a good probe. */
  get lastProbeError(): string | null {
    return this.lastError;
  }

  /** Called after each change of rttMs / bandwidthMbps / reachable. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Probes once now, then keeps watching. */
  start(): void {
    this.running = true;
    this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = null;
    const probe = this.inFlight;
    probe?.controller.abort();
    await probe?.done;
    this.resolveFirstProbe?.();
    this.resolveFirstProbe = null;
  }

  recordResponse(sample: ResponseSample): void {
    this.rtt.add(Math.max(0, sample.ttfbMs));
    const transferMs = sample.durationMs - sample.ttfbMs;
    if (sample.paced !== true && sample.bytes >= MIN_BANDWIDTH_BYTES && transferMs > 0) {
      this.bandwidth.add((sample.bytes * 8) / (transferMs * 1000)); // bits per ms / 1000 = Mbit/s
    }
    this.markReachable();
  }

  /** A request finished well but without timing (e.g. the caller only knows it did not fail). */
  recordSuccess(): void {
    this.markReachable();
  }

  recordFailure(_kind: FailureKind): void {
    this.lastActivity = this.clock.now();
    const wasProbing = this.state === false;
    this.state = false;
    this.emit();
    // One failure is a suspicion: check soon. Repeated request failures must not reset a growing backoff.
    if (!wasProbing && this.inFlight === null) {
      this.schedule(this.initialBackoffMs);
      this.backoffMs = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2);
    }
  }

  private markReachable(): void {
    this.lastActivity = this.clock.now();
    this.backoffMs = this.initialBackoffMs;
    this.state = true;
    this.emit();
    if (this.timer === null && this.inFlight === null) this.schedule(this.idleProbeMs);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer?.();
    this.timer = this.clock.after(delayMs, () => {
      this.timer = null;
      this.tick();
    });
  }

  private tick(): void {
    if (this.state === true) {
      const idleFor = this.clock.now() - this.lastActivity;
      if (idleFor < this.idleProbeMs) return this.schedule(this.idleProbeMs - idleFor);
    }
    if (this.inFlight !== null) return;
    const controller = new AbortController();
    const done = this.probe(controller).finally(() => {
      this.inFlight = null;
      this.resolveFirstProbe?.();
      this.resolveFirstProbe = null;
      if (!this.running) return;
      if (this.state === true) return this.schedule(this.idleProbeMs);
      this.schedule(this.backoffMs);
      this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
    });
    this.inFlight = { controller, done };
  }

  private async probe(controller: AbortController): Promise<void> {
    const options = { fetch: this.fetch, clock: this.clock, timeoutMs: this.probeTimeoutMs, signal: controller.signal };
    let result: ProbeResult;
    try {
      result = await probeUpstream(this.probeUrl, options);
      // The first answer also pays for connection setup and fetch's lazy start-up (hundreds of ms on a
      // busy machine): time a second, warm request instead.
      if (result.reachable && !this.warm) {
        this.warm = true;
        result = await probeUpstream(this.probeUrl, options);
      }
    } catch (error) {
      if (!this.running) return; // stop() cancelled the probe: not a verdict on the link
      throw error;
    }
    if (result.reachable) {
      this.rtt.add(result.headersMs);
      this.lastActivity = this.clock.now();
      this.backoffMs = this.initialBackoffMs;
      this.lastError = null;
    } else {
      this.lastError = result.error;
    }
    this.state = result.reachable;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
