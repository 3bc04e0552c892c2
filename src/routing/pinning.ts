import type { Target } from './decision.js';

export interface KnownModels {
  /** The local model's id, or null when no local model is configured. */
  local: string | null;
  /** The upstream's default model, or null when no upstream is configured. */
  cloud: string | null;
}

/**
 * Resolves a `model` field that pins a side: `local`, `cloud`, or a concrete id (the local model's id pins
 * local; any other concrete id is passed to the upstream as-is). Returns null for `auto`.
 */
export function resolvePin(requestedModel: string, models: KnownModels): { target: Target; model: string } | null {
  if (requestedModel === 'auto') return null;
  if (requestedModel === 'local' || requestedModel === models.local) {
    return { target: 'local', model: models.local ?? 'local' };
  }
  if (requestedModel === 'cloud') return { target: 'cloud', model: models.cloud ?? 'cloud' };
  return { target: 'cloud', model: requestedModel };
}
