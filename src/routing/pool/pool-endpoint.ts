import { createKeepAliveFetch, type KeepAliveFetch } from '../../backends/upstream/keep-alive-fetch.js';
import { UpstreamBackend } from '../../backends/upstream/upstream-backend.js';
import type { SwitchyardError } from '../../backends/errors.js';
import { LinkMonitor, type LinkMonitorOptions } from '../../signals/link-monitor.js';
import type { Target } from '../decision.js';
import { causeOfError, renderCause } from '../fallback-cause.js';
import type { EndpointConfig } from '../targets-file/compile.js';
import type { BreakerFailure, BreakerState, CircuitBreaker } from '../upstream-health/circuit-breaker.js';
import type { ConnectivityStatus } from '../upstream-health/connectivity.js';
import { endpointKey, type SharedBreakers } from '../upstream-health/endpoint-breaker.js';
import { UpstreamHealth } from '../upstream-health/upstream-health.js';

export interface EndpointOptions {
  /** Budget for response headers (and whole non-stream answers), and for silence inside a stream, in ms. */
  timeoutMs: number;
  streamIdleTimeoutMs: number;
  /** Consecutive outages that open the endpoint's breaker. */
  breakerThreshold?: number;
  /** Share each endpoint's breaker verdicts with the other replicas (Redis); absent: this process alone. */
  shared?: SharedBreakers;
  /** Probe timing (tests shorten it). */
  probe?: Pick<LinkMonitorOptions, 'idleProbeMs' | 'probeTimeoutMs' | 'initialBackoffMs' | 'maxBackoffMs'>;
  /** Told when an endpoint's breaker changes state (the service logs an endpoint going down and coming back). */
  onBreakerChange?: (change: { target: Target; url: string; state: BreakerState; lastFailure: BreakerFailure | null }) => void;
}

/** What `/healthz` shows per endpoint. */
export interface EndpointStatus {
  url: string;
  breaker: CircuitBreaker['state'];
  inFlight: number;
  reachable: boolean | null;
  rttMs: number | null;
  /** The same shape as `connectivity.lastFailure`: when, what kind, the cause as a fallback names it, the detail. */
  lastFailure: BreakerFailure | null;
}

/**
 * One server of a target pool: its own openai SDK client over its own keep-alive sockets, its own link monitor
 * (passive timings of real answers + HEAD probes) and its own circuit breaker, wired both ways by UpstreamHealth.
 */
export class PoolEndpoint {
  readonly url: string;
  readonly backend: UpstreamBackend;
  readonly link: LinkMonitor;
  /** Requests sent here and not yet finished (least-busy balancing reads this). */
  inFlight = 0;
  private readonly health: UpstreamHealth;
  private readonly sockets: KeepAliveFetch;

  constructor(
    private readonly target: Target,
    config: EndpointConfig,
    model: string,
    options: EndpointOptions,
  ) {
    this.url = config.url;
    this.link = new LinkMonitor({ upstreamUrl: config.url, ...options.probe });
    this.sockets = createKeepAliveFetch({ onResponse: (timing) => this.link.recordResponse(timing) });
    this.backend = new UpstreamBackend(
      { baseURL: config.url, apiKey: config.apiKey, model, timeoutMs: options.timeoutMs, streamIdleTimeoutMs: options.streamIdleTimeoutMs },
      { fetch: this.sockets.fetch },
    );
    this.health = new UpstreamHealth({
      key: endpointKey(target, config.url),
      link: this.link,
      // A LAN server's reachability is the probe's to judge, not the device's default route.
      interfacesOnline: () => true,
      ...(options.breakerThreshold === undefined ? {} : { failureThreshold: options.breakerThreshold }),
      ...(options.shared === undefined ? {} : { shared: options.shared }),
    });
    const onChange = options.onBreakerChange;
    if (onChange !== undefined) this.health.onChange((state) => onChange({ target, url: this.url, state, lastFailure: this.breaker.lastFailure }));
  }

  get breaker(): CircuitBreaker {
    return this.health.breaker;
  }

  /** Whether requests may be sent here (the breaker is not open). */
  get up(): boolean {
    return this.breaker.state !== 'open';
  }

  /** An outage seen by a request (connection, timeout, 5xx): counts toward the breaker and makes the probe check soon. */
  recordOutage(error: SwitchyardError): void {
    this.breaker.recordFailure({ kind: error.kind, cause: renderCause(causeOfError(this.target, error)), detail: error.message });
  }

  /** Online / degraded / offline, from this endpoint's breaker and probes. */
  connectivity(): ConnectivityStatus {
    return this.health.connectivity();
  }

  status(): EndpointStatus {
    return {
      url: this.url,
      breaker: this.breaker.state,
      inFlight: this.inFlight,
      reachable: this.link.reachable,
      rttMs: this.link.rttMs,
      lastFailure: this.breaker.lastFailure,
    };
  }

  start(): void {
    this.link.start();
  }

  async close(): Promise<void> {
    this.health.close();
    await this.link.stop();
    this.sockets.close();
  }
}
