import { classifyError, SwitchyardError } from '../../backends/errors.js';
import type { Target } from '../decision.js';
import { causeOfError, renderCause } from '../fallback-cause.js';
import type { CircuitBreaker } from '../upstream-health/circuit-breaker.js';

/**
 * Retry-After given to clients when an upstream is down and nothing else may answer and the upstream named no
 * wait of its own, in ms.
 */
const UNAVAILABLE_RETRY_AFTER_MS = 5_000;

/** Failures that say the target (not the request) is broken: they count toward its breaker. */
export function isOutage(error: SwitchyardError): boolean {
  return error.kind === 'connection' || error.kind === 'timeout' || (error.kind === 'upstream-status' && error.status >= 500);
}

/**
 * The breakers in front of upstream targets. A target with a breaker is called only while its breaker lets
 * requests through; every call's verdict is reported back (an outage counts, a bad request does not). A target
 * without one (the device's own model) is always called.
 */
export class UpstreamGate {
  constructor(private readonly breakers: ReadonlyMap<Target, CircuitBreaker>) {}

  /** Whether the target's breaker is open (nothing is sent there until a probe reaches it). */
  isOpen(target: Target): boolean {
    return this.breakers.get(target)?.state === 'open';
  }

  /** One call to one target, gated by and reported to its breaker. */
  async call<T>(target: Target, call: () => Promise<T>): Promise<T> {
    const breaker = this.breakers.get(target);
    if (breaker === undefined) return call();
    if (!breaker.tryAcquire()) {
      throw new SwitchyardError('unavailable', 'The upstream is unreachable (circuit open); not attempted', {
        status: 503,
        code: 'breaker_open',
      });
    }
    let value: T;
    try {
      value = await call();
    } catch (err) {
      const error = classifyError(err);
      if (isOutage(error)) this.recordOutage(target, error);
      else breaker.release();
      throw error;
    }
    breaker.recordSuccess();
    return value;
  }

  /** A failure after the call had succeeded (a stream broken mid-way): an outage still counts. */
  reportBrokenStream(target: Target, error: SwitchyardError): void {
    if (isOutage(error)) this.recordOutage(target, error);
  }

  /**
   * When nothing else may answer: an unreachable upstream (the cloud, or a site's pool such as edge) is a clear 503
   * with Retry-After: the upstream's own wait when it named one (a 503 asking for 30 s is not retried in 5), else 5 s.
   */
  finalError(target: Target, error: SwitchyardError, fallbackAllowed: boolean): SwitchyardError {
    if (target === 'local' || !(isOutage(error) || error.code === 'breaker_open')) return error;
    const what = this.breakers.has(target) ? 'The upstream' : `Target "${target}"`;
    // Allowed but nowhere to go (the device's model still loading, every other target down) is not "not allowed".
    const why = fallbackAllowed ? 'nothing else can answer now' : 'no fallback is allowed';
    return new SwitchyardError('unavailable', `${what} is unavailable and ${why}: ${error.message}`, {
      status: 503,
      code: 'upstream_unavailable',
      retryAfterMs: error.retryAfterMs ?? UNAVAILABLE_RETRY_AFTER_MS,
      cause: error,
    });
  }

  private recordOutage(target: Target, error: SwitchyardError): void {
    this.breakers.get(target)?.recordFailure({ kind: error.kind, cause: renderCause(causeOfError(target, error)), detail: error.message });
  }
}
