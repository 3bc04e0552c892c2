import type { LinkMonitor } from '../../signals/link-monitor.js';
import type { BreakerBoard } from '../../state/shared-state.js';
import { type BreakerState, CircuitBreaker } from './circuit-breaker.js';
import { type ConnectivityStatus, connectivityOf } from './connectivity.js';

export interface UpstreamHealthOptions {
  /** The link monitor probing the upstream (null: no signals; the breaker then learns from requests alone). */
  link: LinkMonitor | null;
  /** Consecutive upstream failures (connection, timeout, 5xx) that open the breaker. */
  failureThreshold?: number;
  /** Whether any network interface is up (the device's own view). */
  interfacesOnline: () => boolean;
  /** The replicas' breaker board (Redis), keyed by target; absent: this process alone. */
  board?: BreakerBoard;
  /** How long a breaker another replica opened keeps this one from trying, in ms. */
  sharedOpenMs?: number;
}

/**
 * The upstream's health in one place: its circuit breaker and the link monitor, wired both ways. A request
 * that failed to connect or timed out makes the monitor probe soon; the monitor's verdicts open the breaker
 * or let a trial through. Connectivity (online / degraded / offline) is read from here.
 */
export class UpstreamHealth {
  readonly breaker: CircuitBreaker;
  private readonly listeners = new Set<(state: BreakerState) => void>();
  private readonly unsubscribeLink: (() => void) | null;

  constructor(private readonly options: UpstreamHealthOptions) {
    const link = options.link;
    this.breaker = new CircuitBreaker({
      ...(options.failureThreshold === undefined ? {} : { failureThreshold: options.failureThreshold }),
      ...(options.board === undefined ? {} : { shared: { key: 'cloud', board: options.board, ...(options.sharedOpenMs === undefined ? {} : { openMs: options.sharedOpenMs }) } }),
      onFailure: (failure) => {
        if (failure.kind === 'connection' || failure.kind === 'timeout') link?.recordFailure(failure.kind);
      },
      onChange: (state) => {
        for (const listener of this.listeners) listener(state);
      },
    });
    this.unsubscribeLink = link?.onChange(() => this.breaker.linkReachable(link.reachable)) ?? null;
  }

  /** Calls `listener` whenever the breaker changes state (e.g. to drain deferred work once it closes). */
  onChange(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connectivity(): ConnectivityStatus {
    return connectivityOf(this.breaker, this.options.interfacesOnline());
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
