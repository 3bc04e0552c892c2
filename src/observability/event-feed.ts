import type { FeedDecision, FeedEvent, FeedSample, FeedState, FeedTotals } from './feed-types.js';
import type { StatusSources } from './status-sources.js';

export interface EventFeedOptions {
  sources: StatusSources;
  device: { activeWatts: number; idleWatts: number };
  localTokensPerSecond: () => number | null;
  now?: () => number;
  /** How often signals are sampled for the plots, in ms. Default 1000. */
  sampleIntervalMs?: number;
  /** Recent decisions kept for a newly opened dashboard. Default 200. */
  maxDecisions?: number;
  /** Samples kept (× interval = visible history). Default 600 (10 min at 1 s). */
  maxSamples?: number;
}

/**
 * The dashboard's memory: bounded rings of recent decisions and signal samples, running totals, and
 * listeners (SSE connections). Everything is bounded so a long-running server does not grow.
 */
export class EventFeed {
  private readonly decisions: FeedDecision[] = [];
  private readonly samples: FeedSample[] = [];
  private readonly listeners = new Set<(event: FeedEvent) => void>();
  private readonly totals: FeedTotals;
  private readonly now: () => number;
  private readonly maxDecisions: number;
  private readonly maxSamples: number;
  private interval = { local: 0, cloud: 0, pools: 0, fallbacks: 0, completionTokens: 0, since: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: EventFeedOptions) {
    this.now = options.now ?? Date.now;
    this.maxDecisions = options.maxDecisions ?? 200;
    this.maxSamples = options.maxSamples ?? 600;
    const since = this.now();
    this.interval.since = since;
    this.totals = { since, requests: 0, local: 0, cloud: 0, byTarget: {}, deferred: 0, dryRuns: 0, failed: 0, fallbacks: 0, promptTokens: 0, completionTokens: 0, localEnergyMwh: 0, cloudCostUsd: 0, savedCostUsd: 0, savedEnergyMwh: 0 };
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.sample(), this.options.sampleIntervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(decision: FeedDecision): void {
    push(this.decisions, decision, this.maxDecisions);
    const t = this.totals;
    const a = decision.accounting;
    t.requests++;
    if (decision.servedBy !== null) {
      t.byTarget[decision.servedBy] = (t.byTarget[decision.servedBy] ?? 0) + 1;
      if (decision.servedBy === 'local') (t.local++, this.interval.local++);
      else if (decision.servedBy === 'cloud') (t.cloud++, this.interval.cloud++);
      else this.interval.pools++;
    } else if (decision.endpoint === 'route') t.dryRuns++;
    else if (decision.status === 202) t.deferred++;
    if (decision.status >= 400) t.failed++;
    if (decision.fallback !== null) (t.fallbacks++, this.interval.fallbacks++);
    t.promptTokens += decision.promptTokens ?? 0;
    t.completionTokens += decision.completionTokens ?? 0;
    this.interval.completionTokens += decision.completionTokens ?? 0;
    t.localEnergyMwh += a.localEnergyMwh ?? 0;
    t.cloudCostUsd += a.cloudCostUsd ?? 0;
    t.savedCostUsd += a.savedCostUsd ?? 0;
    t.savedEnergyMwh += a.savedEnergyMwh ?? 0;
    this.emit({ type: 'decision', decision, totals: { ...t, byTarget: { ...t.byTarget } } });
  }

  /** Takes one signal sample now (the timer calls this; tests call it directly). */
  sample(): FeedSample {
    const at = this.now();
    const s = this.options.sources.signals();
    const seconds = Math.max(0.001, (at - this.interval.since) / 1000);
    const sample: FeedSample = {
      at,
      batteryPercent: s?.battery?.percent ?? null,
      cpuLoad: s?.cpuLoad ?? null,
      rttMs: s?.rttMs ?? null,
      bandwidthMbps: s?.bandwidthMbps ?? null,
      online: s?.online ?? null,
      queueDepth: s?.local.queueDepth ?? null,
      tokensPerSecond: this.interval.completionTokens / seconds,
      local: this.interval.local,
      cloud: this.interval.cloud,
      pools: this.interval.pools,
      fallbacks: this.interval.fallbacks,
      savedCostUsd: this.totals.savedCostUsd,
      savedEnergyMwh: this.totals.savedEnergyMwh,
    };
    this.interval = { local: 0, cloud: 0, pools: 0, fallbacks: 0, completionTokens: 0, since: at };
    push(this.samples, sample, this.maxSamples);
    const { policyStatus, connectivity } = this.options.sources;
    this.emit({ type: 'sample', sample, policy: policyStatus(), connectivity: connectivity(), localTokensPerSecond: this.options.localTokensPerSecond() });
    return sample;
  }

  state(): FeedState {
    return {
      decisions: [...this.decisions],
      samples: [...this.samples],
      totals: { ...this.totals, byTarget: { ...this.totals.byTarget } },
      policy: this.options.sources.policyStatus(),
      connectivity: this.options.sources.connectivity(),
      device: this.options.device,
      localTokensPerSecond: this.options.localTokensPerSecond(),
    };
  }

  private emit(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function push<T>(ring: T[], item: T, max: number): void {
  ring.push(item);
  if (ring.length > max) ring.splice(0, ring.length - max);
}
