import type { ChatMessage, ToolDefinition } from '../backends/backend.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { DecisionInput } from '../policy/decision-input.js';
import { fitsLocalContext } from '../policy/request-facts.js';
import type { Scorer } from '../scoring/load-scorer.js';
import { compose } from '../signals/compose.js';
import type { SignalSnapshot } from '../signals/snapshot.js';
import type { TargetLink } from '../signals/target-link.js';
import { decide } from './decide.js';
import type { Decision } from './decision.js';
import { type ExistingTargets, toExistingTarget } from './existing-target.js';
import { resolvePin, type KnownModels } from './pinning.js';
import type { RouteRequest } from './route-request.js';

export interface PromptMeasure {
  /** Prompt tokens per the local tokenizer, or an estimate when none is loaded. */
  promptTokens: number;
  /** The local model's window in tokens; null without a local model. */
  contextWindow: number | null;
}

export interface RouteDeciderDeps {
  /** The active policy (a watcher's `current`, so reloads apply to the next request). */
  policy: () => CompiledPolicy;
  scorer: Scorer;
  signals: () => SignalSnapshot;
  measure: (messages: ChatMessage[], maxTokens: number | null, tools?: readonly ToolDefinition[]) => PromptMeasure;
  models: () => KnownModels;
  /** Targets that exist at all and their fallback order; absent: all. Decisions never name a missing one (see existing-target.ts). */
  targets?: () => ExistingTargets;
  /** The link to each pool target (per-target RTT, bandwidth, online); absent without a targets file. */
  links?: () => Readonly<Record<string, TargetLink>>;
}

/**
 * The pipeline's first step, request → Decision: score the request, read the signals, measure it against the local window,
 * and let the policy decide. A pinned model wins over the policy, except where the matching rule forbids the
 * other side (`fallback: never`): a privacy rule keeps even a request pinned to `cloud` on the device.
 */
export class RouteDecider {
  constructor(private readonly deps: RouteDeciderDeps) {}

  /** Everything the policy looks at, as `decide()` and `policy test` see it. */
  async input(request: RouteRequest): Promise<DecisionInput> {
    const live = this.deps.signals();
    const signals = request.signalOverrides === undefined ? live : compose(live, {}, request.signalOverrides, live.local, live.takenAt).snapshot;
    const { promptTokens, contextWindow } = this.deps.measure(request.messages, request.maxTokens, request.tools);
    return {
      requestedModel: request.requestedModel,
      messages: request.messages,
      tags: request.tags,
      maxTokens: request.maxTokens,
      uses: new Set(request.uses ?? []),
      score: await this.deps.scorer.score(request.messages),
      signals,
      context: { promptTokens, contextWindow, fitsLocal: fitsLocalContext(promptTokens, request.maxTokens, contextWindow) },
      models: this.deps.models(),
      links: this.deps.links?.() ?? {},
    };
  }

  async decide(request: RouteRequest): Promise<Decision> {
    return (await this.explain(request)).decision;
  }

  /** The decision and what it was made on (the score's tier and reasons, the prompt's fit): what dry runs show. */
  async explain(request: RouteRequest): Promise<{ decision: Decision; input: DecisionInput }> {
    const input = await this.input(request);
    const decision = this.decideByPolicyOrPin(request, input);
    if (this.deps.targets === undefined) return { decision, input };
    const { configured, fallback } = this.deps.targets();
    return { decision: toExistingTarget(decision, configured, this.deps.models(), fallback), input };
  }

  private decideByPolicyOrPin(request: RouteRequest, input: DecisionInput): Decision {
    const byPolicy = decide(input, this.deps.policy());
    const pin = resolvePin(request.requestedModel, input.models);
    if (pin === null || (pin.target !== byPolicy.target && !byPolicy.allowFallback)) {
      if (pin !== null) byPolicy.reasons.unshift(`the request pinned "${request.requestedModel}", but rule "${byPolicy.rule}" forbids the ${pin.target}`);
      return request.fallbackForbidden ? { ...byPolicy, allowFallback: false } : byPolicy;
    }
    // Who pinned the device meant the device: a prompt too long for it is refused (context_length_exceeded),
    // not quietly sent to the cloud.
    const tooLongForDevice = pin.target === 'local' && input.context.contextWindow !== null && !input.context.fitsLocal;
    const pinned: Decision = {
      ...byPolicy,
      target: pin.target,
      model: pin.model,
      rule: `pinned:${request.requestedModel}`,
      reasons: [
        `the request pinned model "${request.requestedModel}"`,
        ...(tooLongForDevice ? [`the prompt does not fit the local window (${input.context.contextWindow} tokens), and a request pinned to the device is not sent to the cloud`] : []),
      ],
      allowFallback: !request.fallbackForbidden && !tooLongForDevice,
      cascade: false,
      maxTokensCap: null,
    };
    delete pinned.cascadeMinConfidence;
    delete pinned.cascadeTo;
    return pinned;
  }
}
