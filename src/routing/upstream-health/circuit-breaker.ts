import type { ErrorKind } from '../../backends/errors.js';
import type { BreakerBoard, BreakerNews } from '../../state/shared-state.js';

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
  /**
   * Share this breaker's verdicts with the other replicas under `key` (`cloud`, or `target/endpointUrl`): when it
   * opens, the others stop sending there for `openMs` (then let one trial through); when it closes, they close.
   */
  shared?: { key: string; board: BreakerBoard; openMs?: number };
}

/** How long a breaker another replica opened keeps this one open before a trial, in ms. */
const SHARED_OPEN_MS = 15_000;
/**
 * After opening on HTTP errors (5xx, 429), the wait before a trial, in ms, doubling up to the maximum while
 * trials keep failing. The link monitor's probes cannot end such an outage: the upstream answers them.
 */
const STATUS_TRIAL_MS = 1_000;
const STATUS_TRIAL_MAX_MS = 30_000;

/**
 * The circuit breaker on the upstream. Closed: requests go out. Open (after `failureThreshold` consecutive
 * failures, or when the link monitor finds the upstream unreachable): no request is sent, so nobody pays a
 * connect attempt or a timeout; traffic is answered locally while the link monitor's probes keep checking.
 * When a probe reaches the upstream again it turns half-open: one real request is let through as the trial;
 * its success closes the breaker, its failure opens it again. An upstream that is reachable but answers with
 * errors (5xx, 429) gets its trial from a timer instead: 1 s after opening, doubling to 30 s.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private trialInFlight = false;
  private last: BreakerFailure | null = null;
  private readonly threshold: number;
  private readonly now: () => number;
  private peerTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusTrialMs = STATUS_TRIAL_MS;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 3;
    this.now = options.now ?? Date.now;
    this.unsubscribe = options.shared?.board.subscribe(options.shared.key, (news) => this.adopt(news)) ?? (() => {});
  }

  /** Stops listening to the other replicas. */
  detach(): void {
    this.unsubscribe();
    if (this.peerTimer !== null) clearTimeout(this.peerTimer);
    this.cancelStatusTrial();
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
    this.statusTrialMs = STATUS_TRIAL_MS;
    this.cancelStatusTrial();
    this.set('closed');
  }

  recordFailure(failure: Omit<BreakerFailure, 'at'>): void {
    this.consecutive++;
    this.trialInFlight = false;
    this.last = { at: this.now(), ...failure };
    this.options.onFailure?.(this.last);
    if (this.current !== 'half-open' && this.consecutive < this.threshold) return;
    this.set('open');
    if (failure.kind === 'upstream-status') this.trialAfterStatusErrors();
    else this.cancelStatusTrial(); // an unreachable upstream is the link monitor's to watch
  }

  private cancelStatusTrial(): void {
    if (this.statusTimer !== null) clearTimeout(this.statusTimer);
    this.statusTimer = null;
  }

  /** Half-open after the current wait (then the next wait doubles): see STATUS_TRIAL_MS. */
  private trialAfterStatusErrors(): void {
    this.cancelStatusTrial();
    const wait = this.statusTrialMs;
    this.statusTrialMs = Math.min(STATUS_TRIAL_MAX_MS, wait * 2);
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      if (this.current === 'open') this.set('half-open');
    }, wait);
    this.statusTimer.unref();
  }

  /** The link monitor's verdict from its probes (null = not known yet). */
  linkReachable(reachable: boolean | null): void {
    if (reachable === true && this.current === 'open') this.set('half-open');
    if (reachable === false && this.current !== 'open') {
      this.last ??= { at: this.now(), kind: 'probe-failed', cause: 'probe-failed', detail: 'the upstream did not answer a reachability probe' };
      this.set('open');
    }
  }

  /** Another replica's verdict: open (until `openUntil`, then one trial) or closed (the upstream answered it). */
  private adopt(news: BreakerNews): void {
    if (news.state === 'closed') {
      if (this.current === 'closed') return;
      this.consecutive = 0;
      this.set('closed', false);
      return;
    }
    const wait = (news.openUntil ?? 0) - this.now();
    if (wait <= 0) return;
    if (news.failure !== null) this.last = news.failure;
    this.set('open', false);
    if (this.peerTimer !== null) clearTimeout(this.peerTimer);
    this.peerTimer = setTimeout(() => {
      this.peerTimer = null;
      if (this.current === 'open') this.set('half-open', false);
    }, wait);
    this.peerTimer.unref();
  }

  private set(state: BreakerState, tellPeers = true): void {
    if (state === this.current) return;
    this.current = state;
    const shared = this.options.shared;
    if (tellPeers && shared !== undefined && state !== 'half-open') {
      const openUntil = state === 'open' ? this.now() + (shared.openMs ?? SHARED_OPEN_MS) : null;
      shared.board.publish(shared.key, { state, openUntil, failure: state === 'open' ? this.last : null });
    }
    this.options.onChange?.(state);
  }
}
