import type { Decision, Target } from './decision.js';
import type { KnownModels } from './pinning.js';

/** Which targets exist in this service at all (an upstream configured, a local model configured), whatever their state. */
export type ConfiguredTargets = Record<Target, boolean>;

const missing: Record<Target, string> = {
  cloud: 'no upstream is configured, so the device answers',
  local: 'no local model is configured, so the upstream answers',
};

/**
 * A decision only names a target that exists: one for a missing target moves to the other, saying why, and a
 * cascade without an upstream to escalate to is a plain local answer. A rule that forbids the other side
 * (`fallback: never`) keeps its target, and the request then fails saying that target is missing.
 */
export function toExistingTarget(decision: Decision, targets: ConfiguredTargets, models: KnownModels): Decision {
  const other: Target = decision.target === 'local' ? 'cloud' : 'local';
  if (!targets[decision.target] && targets[other] && decision.allowFallback) {
    return { ...decision, target: other, model: models[other] ?? other, cascade: false, reasons: [...decision.reasons, missing[decision.target]] };
  }
  if (decision.cascade && !targets.cloud) return { ...decision, cascade: false, reasons: [...decision.reasons, 'no upstream is configured to escalate to'] };
  return decision;
}
