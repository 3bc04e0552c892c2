import type { SignalOverride } from './override.js';

/**
 * `top` over `base`: a field present in `top` wins; `thermal` objects merge field by field (a partial
 * thermal override keeps the other field); everything else is replaced whole.
 */
export function layerOverrides(base: SignalOverride, top: SignalOverride): SignalOverride {
  const merged: SignalOverride = { ...base, ...top };
  if (top.thermal !== undefined && top.thermal !== null && base.thermal !== undefined && base.thermal !== null) {
    merged.thermal = { ...base.thermal, ...top.thermal };
  }
  return merged;
}
