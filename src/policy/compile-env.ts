import type { CompiledComparison } from './comparison.js';
import { compileComparison } from './comparison.js';
import type { NumberCondition } from './condition-schema.js';
import type { CompiledCondition, DecisionInput, EvalContext } from './decision-input.js';
import type { PiiDetector } from './pii/detector.js';

/** What compiling conditions needs from the outside, and what it learns (which PII kinds are referenced). */
export interface CompileEnv {
  report(path: readonly PropertyKey[], message: string): void;
  /** From the scorer: the score threshold that sends `share` of typical traffic to the cloud. */
  thresholdForCloudShare: ((share: number) => number) | undefined;
  /** Why there is no threshold function (for the diagnostic). */
  scorerUnavailable: string;
  /** Every detector kind available (built-in + file + code). */
  detectorKinds: ReadonlySet<string>;
  /** The policy's named content patterns (`patterns:`), for `content.matches`. */
  patterns: ReadonlyMap<string, PiiDetector>;
  /** Filled while compiling: kinds some condition refers to. */
  usedPiiKinds: Set<string>;
  /** The configured target names (for `links.<target>` conditions). */
  targets: readonly string[];
  /** Whether `targets` came from a targets file (`--targets`); without one only local and cloud exist. */
  siteTargets: boolean;
}

export function leaf(describe: string, test: (ctx: EvalContext) => boolean, explain: (ctx: EvalContext) => string): CompiledCondition {
  return { describe, test, explain: (ctx) => [explain(ctx)] };
}

/** A numeric leaf: `label value (op bound)`, unknown values never match. */
export function numberLeaf(
  env: CompileEnv,
  path: readonly PropertyKey[],
  cond: NumberCondition,
  label: string,
  get: (input: DecisionInput) => number | null,
  show: (n: number) => string,
): CompiledCondition | null {
  const cmp: CompiledComparison | null = compileComparison(cond, show);
  if (cmp === null) {
    env.report(path, 'expected at least one of lt, lte, gt, gte, eq, ne');
    return null;
  }
  return leaf(
    `${label} ${cmp.text}`,
    (ctx) => cmp.test(get(ctx.input)),
    (ctx) => `${label} ${show(get(ctx.input) ?? Number.NaN)} (${cmp.text})`,
  );
}

/** A boolean leaf over a possibly-unknown value: null never matches either way. */
export function boolLeaf(
  expected: boolean,
  get: (input: DecisionInput) => boolean | null,
  whenTrue: string,
  whenFalse: string,
): CompiledCondition {
  const text = expected ? whenTrue : whenFalse;
  return leaf(text, (ctx) => get(ctx.input) === expected, () => text);
}

/** AND of the leaves of one field mapping (e.g. `battery: { percent, charging }`); reasons joined by "and". */
export function allOf(parts: CompiledCondition[]): CompiledCondition {
  if (parts.length === 1) return parts[0]!;
  return {
    describe: parts.map((p) => p.describe).join(' and '),
    test: (ctx) => {
      for (const p of parts) if (!p.test(ctx)) return false;
      return true;
    },
    explain: (ctx) => [parts.flatMap((p) => p.explain(ctx)).join(' and ')],
  };
}
