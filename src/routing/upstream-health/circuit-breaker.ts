import type { ErrorKind } from '../../backends/errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerFailure {
  /** ms since the epoch. */
  at: number;
  /** What failed: a request's error kind, or a reachability probe. */
  kind: ErrorKind | 'probe-failed';
  /** The same, rendered as a fallback cause (e.g. `upstream-connection`), for status pages. */
  cause: string;
  detail: string;
}

export interface BreakerOptions {
  /** Consecutive upstream failures (connection, timeout, 5xx) that open the breaker. */
  failureThreshold?: number;
  now?: () => number;
  onChange?: (state: BreakerState) => void;
  /** Every recorded failure, e.g. to make the link monitor probe soon. */
  onFailure?: (failure: BreakerFailure) => void;
}

/**
 * The circuit breaker on the upstream. Closed: requests go out. Open (after `failureThreshold` consecutive
 * failures, or when the link monitor finds the upstream unreachable): no request is sent, so nobody pays a
 * connect attempt or a timeout; traffic is answered locally while the link monitor's probes keep checking.
 * When a probe reaches the upstream again it turns half-open: one real request is let through as the trial;
 * its success closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private trialInFlight = false;
  private last: BreakerFailure | null = null;
  private readonly threshold: number;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 3;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  get lastFailure(): BreakerFailure | null {
    return this.last;
  }

  get consecutiveFailures(): number {
    return this.consecutive;
  }

  /** Whether a request may go to the upstream now. In half-open, only one trial at a time is allowed. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Hands back a half-open trial that ended without a verdict (client abort, bad request). */
  release(): void {
    this.trialInFlight = false;
  }

  recordSuccess(): void {
    this.consecutive = 0;
    this.trialInFlight = false;
    this.set('closed');
  }

  recordFailure(failure: Omit<BreakerFailure, 'at'>): void {
    this.consecutive++;
    this.trialInFlight = false;
    this.last = { at: this.now(), ...failure };
    this.options.onFailure?.(this.last);
    if (this.current === 'half-open' || this.consecutive >= this.threshold) this.set('open');
  }

  /** The link monitor's verdict from its probes (null = not known yet). */
  linkReachable(reachable: boolean | null): void {
    if (reachable === true && this.current === 'open') this.set('half-open');
    if (reachable === false && this.current !== 'open') {
      this.last ??= { at: this.now(), kind: 'probe-failed', cause: 'probe-failed', detail: 'the upstream did not answer a reachability probe' };
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onChange?.(state);
  }
}
