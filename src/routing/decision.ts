import type { Task } from '../scoring/tasks.js';
import type { SignalSnapshot } from '../signals/snapshot.js';

/**
 * Where an answer comes from, by name: `local` (the device's model), `cloud` (the upstream of
 * SWITCHYARD_UPSTREAM_URL) and any pool a targets file names (e.g. `edge`). The names are the wire contract
 * (`x-switchyard-target`, the body's `switchyard.target`, metrics labels).
 */
export type Target = string;

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
  /** What kind of request the scorer saw (e.g. `coding`); null when it was not scored. */
  task: Task | null;
  /** The request's language ("en", "zh", "und" when too short to tell); null when it was not scored. */
  language: string | null;
  /** Whether the router may answer from another target when this one fails. */
  allowFallback: boolean;
  /** Cascade: answer locally, escalate to the cloud when the local answer's confidence is low. */
  cascade: boolean;
  /** Cascade only: the rule's confidence threshold; absent = the router's (0.5 unless configured). */
  cascadeMinConfidence?: number;
  /** Cascade only: where an unsure local answer escalates when not the cloud (a site's pool, e.g. `edge`). */
  cascadeTo?: Target;
  /** Upper bound on completion tokens imposed by the rule, if any. */
  maxTokensCap: number | null;
  /** The signal snapshot the decision was made on. */
  signals: SignalSnapshot | null;
}

/** A cascade's escalation target in a sentence: "the cloud", or a pool by its quoted name ("\"edge\""). */
export function escalationTarget(target: Target): string {
  return target === 'cloud' ? 'the cloud' : `"${target}"`;
}

/** Why an answer came from somewhere other than the decision's target (→ `x-switchyard-fallback`). */
export interface Fallback {
  /** The cause as rendered once by `renderCause` (fallback-cause.ts), e.g. `upstream-connection`, `low-confidence`. */
  cause: string;
  from: Target;
  to: Target;
  /** True when the first target had already produced output that the second one continued. */
  continued: boolean;
  detail: string;
}

/** Who is answering a dispatched request: the decided target, or where a fallback moved it. A value, replaced on change. */
export interface Served {
  target: Target;
  model: string;
  fallback: Fallback | null;
  /** Local generation time in ms, when the local model computed (also when its answer was escalated). */
  computeMs: number | null;
}
