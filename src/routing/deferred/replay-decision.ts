import type { Decision } from '../decision.js';

/**
 * The decision for a deferred request run once the upstream is back: the upstream (that is why it waited),
 * with the model it asked for, or the upstream's default for `auto`, `cloud` and `local`; never a fallback.
 */
export function replayDecision(requestedModel: string, upstreamModel: string | null): Decision {
  const generic = requestedModel === 'auto' || requestedModel === 'cloud' || requestedModel === 'local';
  return {
    target: 'cloud',
    model: generic ? (upstreamModel ?? 'cloud') : requestedModel,
    rule: 'deferred',
    reasons: ['deferred while the upstream was unreachable; run once it was back'],
    score: null,
    task: null,
    language: null,
    allowFallback: false,
    cascade: false,
    maxTokensCap: null,
    signals: null,
  };
}
