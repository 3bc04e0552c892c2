import type { ErrorKind, SwitchyardError } from '../backends/errors.js';
import type { Target } from './decision.js';

/**
 * Why dispatch left a target, as a value: the target that failed, what kind of failure (an error kind, the
 * upstream gate refusing, or a cascade's low confidence) and the HTTP status when the target answered one.
 */
export interface FallbackCause {
  target: Target;
  kind: ErrorKind | 'breaker-open' | 'low-confidence';
  /** The failed answer's HTTP status for `upstream-status`; null otherwise. */
  status: number | null;
}

/** The wire name of a target in cause strings: the cloud target has always been called `upstream` there;
 * other targets by their own name (`edge-connection`). */
const causePrefix = (target: Target): string => (target === 'cloud' ? 'upstream' : target);

/**
 * The one rendering of a cause to its machine-readable string (`x-switchyard-fallback`, metrics labels, logs):
 * `upstream-connection`, `upstream-503`, `local-queue-full`, `breaker-open`, `low-confidence`.
 */
export function renderCause(cause: FallbackCause): string {
  if (cause.kind === 'breaker-open' || cause.kind === 'low-confidence') return cause.kind;
  const prefix = causePrefix(cause.target);
  return cause.kind === 'upstream-status' && cause.status !== null ? `${prefix}-${cause.status}` : `${prefix}-${cause.kind}`;
}

/** The cause of leaving `target` after `error`. */
export function causeOfError(target: Target, error: SwitchyardError): FallbackCause {
  if (error.code === 'breaker_open') return { target, kind: 'breaker-open', status: null };
  return { target, kind: error.kind, status: error.kind === 'upstream-status' ? error.status : null };
}
