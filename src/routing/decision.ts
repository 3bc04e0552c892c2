import type { SignalSnapshot } from '../signals/snapshot.js';

export type Target = 'local' | 'cloud';

/**
 * A routing decision is a value. `decide()` returns it; the same value goes to response headers, the
 * `switchyard` body object, the dry-run endpoint, logs and the dashboard.
 */
export interface Decision {
  target: Target;
  /** The concrete model id on that target. */
  model: string;
  /** Name of the policy rule that matched (or `pinned:<model>` when the request pinned a target). */
  rule: string;
  /** Why, in short human sentences, most important first. */
  reasons: string[];
  /** Complexity score in [0,1]; null when the request was pinned and not scored. */
  score: number | null;
  /** Whether the router may answer from the other side when this one fails. */
  allowFallback: boolean;
  /** Cascade: answer locally, escalate to the cloud when the local answer's confidence is low. */
  cascade: boolean;
  /** Cascade only: the rule's confidence threshold; absent = the router's (0.5 unless configured). */
  cascadeMinConfidence?: number;
  /** Upper bound on completion tokens imposed by the rule, if any. */
  maxTokensCap: number | null;
  /** The signal snapshot the decision was made on. */
  signals: SignalSnapshot | null;
}

/** Why an answer came from somewhere other than the decision's target (→ `x-switchyard-fallback`). */
export interface Fallback {
  /** Machine-readable cause, e.g. `upstream-connection`, `upstream-5xx`, `breaker-open`, `local-queue-full`. */
  cause: string;
  from: Target;
  to: Target;
  /** True when the first side had already produced output that the second side continued. */
  continued: boolean;
  detail: string;
}
