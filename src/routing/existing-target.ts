import type { Decision, Target } from './decision.js';
import type { KnownModels } from './pinning.js';
import { DEFAULT_FALLBACK } from './targets.js';

/** Which targets exist in this service at all (an upstream configured, a local model, a targets file's pools), whatever their state. */
export type ConfiguredTargets = Readonly<Record<Target, boolean>>;

/** The targets that exist and the order a missing one falls through (what `Targets.existing()` reports). */
export interface ExistingTargets {
  configured: ConfiguredTargets;
  fallback: readonly Target[];
}

/** How a missing target is named in a reason: the two built-in ones by what the user configures. */
function missingSubject(target: Target): string {
  if (target === 'local') return 'no local model is configured';
  if (target === 'cloud') return 'no upstream is configured';
  return `no target "${target}" is configured`;
}

function answerer(target: Target): string {
  if (target === 'local') return 'the device';
  if (target === 'cloud') return 'the upstream';
  return `target "${target}"`;
}

/** The first existing target after `target` in the fallback order, walked as a ring (as dispatch falls through). */
function nextExisting(target: Target, targets: ConfiguredTargets, fallback: readonly Target[]): Target | null {
  const named = [...fallback, ...Object.keys(targets).filter((name) => !fallback.includes(name))];
  const order = named.includes(target) ? named : [target, ...named];
  const at = order.indexOf(target);
  for (let step = 1; step < order.length; step++) {
    const next = order[(at + step) % order.length]!;
    if (targets[next] === true) return next;
  }
  return null;
}

/**
 * A decision only names a target that exists: one for a missing target moves to the next existing one in the
 * fallback order (`[local, cloud]` unless a targets file says otherwise), saying why, and a cascade without the
 * target it escalates to (no upstream, or no such pool) is a plain local answer. A rule that forbids fallback
 * (`fallback: never`) keeps its target, and the request then fails saying that target is missing.
 */
export function toExistingTarget(
  decision: Decision,
  targets: ConfiguredTargets,
  models: KnownModels,
  fallback: readonly Target[] = DEFAULT_FALLBACK,
): Decision {
  if (targets[decision.target] !== true && decision.allowFallback) {
    const next = nextExisting(decision.target, targets, fallback);
    if (next !== null) {
      const reason = `${missingSubject(decision.target)}, so ${answerer(next)} answers`;
      return { ...withoutCascade(decision), target: next, model: models[next] ?? next, reasons: [...decision.reasons, reason] };
    }
  }
  const escalateTo = decision.cascadeTo ?? 'cloud';
  if (decision.cascade && targets[escalateTo] !== true) {
    const why = escalateTo === 'cloud' ? 'no upstream is configured to escalate to' : `no target "${escalateTo}" is configured to escalate to`;
    return { ...withoutCascade(decision), reasons: [...decision.reasons, why] };
  }
  return decision;
}

/** The decision as a plain one: no cascade, and nowhere to escalate. */
function withoutCascade(decision: Decision): Decision {
  const { cascadeTo: _, ...rest } = decision;
  return { ...rest, cascade: false };
}
