import type { Decision } from '../../src/routing/decision.js';
import { resolvePin, type KnownModels } from '../../src/routing/pinning.js';
import type { Decider, RouteRequest } from '../../src/routing/route-request.js';

/**
 * A policy-free decider for tests that build a Router by hand: honours pins, and sends `auto` to the cloud
 * when an upstream is configured, else to the local model.
 */
export class PlaceholderDecider implements Decider {
  constructor(private readonly models: () => KnownModels) {}

  async decide(request: RouteRequest): Promise<Decision> {
    const models = this.models();
    const pin = resolvePin(request.requestedModel, models);
    const target = pin?.target ?? (models.cloud !== null ? 'cloud' : 'local');
    const model = pin?.model ?? (target === 'cloud' ? models.cloud : models.local) ?? target;
    return {
      target,
      model,
      rule: pin ? `pinned:${request.requestedModel}` : 'default',
      reasons: [pin ? `the request pinned model "${request.requestedModel}"` : `no policy loaded; ${target} is the configured default`],
      score: null,
      allowFallback: !request.fallbackForbidden,
      cascade: false,
      maxTokensCap: null,
      signals: null,
    };
  }
}
