import type { KnownModels } from '../policy/decision-input.js';
import type { Target } from './decision.js';

export type { KnownModels };

/**
 * Resolves a `model` field that pins a target: a target name (`local`, `cloud`, `edge`, …) or a concrete id
 * (the local model's id pins local, a pool's model id pins that pool; any other id is passed to the cloud
 * as-is). Returns null for `auto`.
 */
export function resolvePin(requestedModel: string, models: KnownModels): { target: Target; model: string } | null {
  if (requestedModel === 'auto') return null;
  if (requestedModel === 'local' || requestedModel === models.local) return { target: 'local', model: models.local ?? 'local' };
  if (Object.hasOwn(models, requestedModel)) return { target: requestedModel, model: models[requestedModel] ?? requestedModel };
  const pool = Object.keys(models).find((target) => target !== 'cloud' && models[target] === requestedModel);
  if (pool !== undefined) return { target: pool, model: requestedModel };
  return { target: 'cloud', model: requestedModel };
}
