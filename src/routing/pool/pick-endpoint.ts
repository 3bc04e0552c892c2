import type { Balance } from '../targets-file/schema.js';

/** What balancing needs to know about an endpoint. */
export interface Candidate {
  /** Requests in flight there now. */
  inFlight: number;
}

/**
 * The order to try a pool's endpoints in, starting from `cursor` (the one after the last picked), so equal
 * endpoints take turns. `round-robin`: that rotation; `least-busy`: fewest requests in flight first, the
 * rotation breaking ties. Returns indexes into `endpoints`.
 */
export function tryOrder(endpoints: readonly Candidate[], balance: Balance, cursor: number): number[] {
  const n = endpoints.length;
  const rotation = Array.from({ length: n }, (_, i) => (cursor + i) % n);
  if (balance === 'round-robin') return rotation;
  // Array.prototype.sort is stable: ties keep their rotation order.
  return rotation.sort((a, b) => endpoints[a]!.inFlight - endpoints[b]!.inFlight);
}
