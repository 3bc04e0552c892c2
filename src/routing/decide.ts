import type { CompiledAction, CompiledPolicy } from '../policy/compile.js';
import type { DecisionInput, EvalContext } from '../policy/decision-input.js';
import { type Decision, escalationTarget, type Target } from './decision.js';

const NO_PII: ReadonlySet<string> = new Set();

/**
 * Apply a compiled policy to one request: rules in order, first match wins, else the default. Pure: the
 * same input and policy always give the same Decision. Personal-data scanning runs at most once, and only
 * when a rule that looks at content is reached.
 */
export function decide(input: DecisionInput, policy: CompiledPolicy): Decision {
  let pii: ReadonlySet<string> | null = null;
  const scan = policy.scanPii;
  const ctx: EvalContext = {
    input,
    piiKinds: () => (pii ??= scan === null ? NO_PII : scan(input.messages)),
  };
  for (const rule of policy.rules) {
    if (rule.when.test(ctx)) return toDecision(rule, rule.when.explain(ctx), input, policy);
  }
  const { score, tier, task, language } = input.score;
  // The language too, `und` included: it is what a language rule that did not fire is about (a re-check trial
  // debugging a Portuguese "Obrigado!" case saw no sign that it had been read as und).
  const lang = language === undefined ? '' : `language ${language}, `;
  const why = `no rule matched (${task === null ? '' : `task ${task}, `}${lang}complexity ${Number(score.toFixed(3))}, ${tier}); default route ${policy.defaultAction.route}`;
  return toDecision(policy.defaultAction, [why], input, policy);
}

function toDecision(action: CompiledAction, reasons: string[], input: DecisionInput, policy: CompiledPolicy): Decision {
  const target: Target = action.route === 'cascade' ? 'local' : action.route;
  const model = action.model ?? policyModel(policy, target) ?? input.models[target] ?? target;
  if (action.route === 'cascade') {
    const below = action.minConfidence === null ? 'is low' : `< ${action.minConfidence}`;
    reasons.push(`cascade: answer locally, escalate to ${escalationTarget(action.escalateTo)} if confidence ${below}`);
  }
  if (!action.allowFallback) reasons.push(`never falls back to ${target === 'local' ? 'the cloud' : target === 'cloud' ? 'the device' : 'another target'}`);
  const decision: Decision = {
    target,
    model,
    rule: action.name,
    reasons,
    score: input.score.score,
    task: input.score.task,
    language: input.score.language ?? null,
    allowFallback: action.allowFallback,
    cascade: action.route === 'cascade',
    maxTokensCap: action.maxTokens,
    signals: input.signals,
  };
  if (action.route === 'cascade' && action.minConfidence !== null) decision.cascadeMinConfidence = action.minConfidence;
  if (action.route === 'cascade' && action.escalateTo !== 'cloud') decision.cascadeTo = action.escalateTo;
  return decision;
}

/** The policy file's `models` default for a target (it names `local` and `cloud` only). */
function policyModel(policy: CompiledPolicy, target: Target): string | null {
  return target === 'local' || target === 'cloud' ? policy.models[target] : null;
}
