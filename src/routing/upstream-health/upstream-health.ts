import type { LinkMonitor } from '../../signals/link-monitor.js';
import type { BreakerState, CircuitBreaker } from './circuit-breaker.js';
import { type ConnectivityStatus, connectivityOf } from './connectivity.js';
import { createEndpointBreaker, type SharedBreakers } from './endpoint-breaker.js';

export interface UpstreamHealthOptions {
  /** The endpoint's breaker key, `${target}/${url}` (see endpoint-breaker.ts). */
  key: string;
  /** The link monitor probing the upstream (null: no signals; the breaker then learns from requests alone). */
  link: LinkMonitor | null;
  /** Consecutive upstream failures (connection, timeout, 5xx) that open the breaker. */
  failureThreshold?: number;
  /** Whether any network interface is up (the device's own view). */
  interfacesOnline: () => boolean;
  /** False when no upstream is configured: connectivity then says `no-upstream`. Default true. */
  upstreamConfigured?: boolean;
  /** The replicas' breaker board (Redis), where this endpoint's verdicts are shared under `key`; absent: this process alone. */
  shared?: SharedBreakers;
}

/**
 * One upstream endpoint's health in one place: its circuit breaker and the link monitor, wired both ways. A request
 * that failed to connect or timed out makes the monitor probe soon; the monitor's verdicts open the breaker
 * or let a trial through. Connectivity (online / degraded / offline) is read from here.
 */
export class UpstreamHealth {
  readonly breaker: CircuitBreaker;
  private readonly listeners = new Set<(state: BreakerState) => void>();
  private readonly unsubscribeLink: (() => void) | null;

  constructor(private readonly options: UpstreamHealthOptions) {
    const link = options.link;
    this.breaker = createEndpointBreaker(
      options.key,
      {
        ...(options.failureThreshold === undefined ? {} : { failureThreshold: options.failureThreshold }),
        onFailure: (failure) => {
          if (failure.kind === 'connection' || failure.kind === 'timeout') link?.recordFailure(failure.kind);
        },
        onChange: (state) => {
          for (const listener of this.listeners) listener(state);
        },
      },
      options.shared,
    );
    this.unsubscribeLink = link?.onChange(() => this.breaker.linkReachable(link.reachable)) ?? null;
  }

  /** Calls `listener` whenever the breaker changes state (e.g. to drain deferred work once it closes). */
  onChange(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connectivity(): ConnectivityStatus {
    return connectivityOf(this.breaker, this.options.interfacesOnline(), this.options.upstreamConfigured ?? true);
  }

  /** Whether a request to the upstream would be attempted (not offline). */
  reachable(): boolean {
    return this.connectivity().state !== 'offline';
  }

  close(): void {
    this.unsubscribeLink?.();
    this.breaker.detach();
    this.listeners.clear();
  }
}
