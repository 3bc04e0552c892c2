import type { Decision, Fallback, Served, Target } from '../routing/decision.js';
import type { Task } from '../scoring/tasks.js';
import type { SignalSnapshot } from '../signals/snapshot.js';

/** The `switchyard` object in a completion body (or a stream's final chunk): the decision and what happened. */
export interface SwitchyardInfo {
  /** Who answered (after any fallback). */
  target: Target;
  model: string;
  rule: string;
  reasons: string[];
  score: number | null;
  /** What kind of request the scorer saw (`coding`, `chat`, …); null when not scored. */
  task: Task | null;
  /** The request's language (`en`, `zh`, `und` when too short to tell); null when not scored. */
  language: string | null;
  /** Where the decision sent the request, before any fallback. */
  decided: Target;
  fallback: Fallback | null;
  signals: SignalSnapshot | null;
}

export function switchyardInfo(decision: Decision, served: Served): SwitchyardInfo {
  return {
    target: served.target,
    model: served.model,
    rule: decision.rule,
    reasons: decision.reasons,
    score: decision.score,
    task: decision.task,
    language: decision.language,
    decided: decision.target,
    fallback: served.fallback,
    signals: decision.signals,
  };
}

/** `x-switchyard-*` headers: they name who served, so a degraded answer is never passed off as a cloud one. */
export function switchyardHeaders(decision: Decision, served: Served): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchyard-target': served.target,
    'x-switchyard-model': served.model,
    'x-switchyard-rule': decision.rule,
  };
  if (decision.score !== null) headers['x-switchyard-score'] = decision.score.toFixed(4);
  if (decision.task !== null) headers['x-switchyard-task'] = decision.task;
  if (decision.language !== null) headers['x-switchyard-language'] = decision.language;
  if (served.fallback !== null) headers['x-switchyard-fallback'] = served.fallback.cause;
  return headers;
}
