import type { BreakerBoard } from '../../state/shared-state.js';
import { type BreakerOptions, CircuitBreaker } from './circuit-breaker.js';

/** Where replicas share breaker verdicts (Redis), and how long another replica's open verdict holds here, in ms. */
export interface SharedBreakers {
  board: BreakerBoard;
  openMs?: number;
}

/**
 * The one place an upstream endpoint's circuit breaker is made: one breaker per endpoint, keyed
 * `${target}/${endpointUrl}` (e.g. `edge/http://gpu-1:8000/v1`). With `shared`, the replicas of a site share
 * each endpoint's verdicts under that key: one replica seeing gpu-1 stall stops the others waiting on gpu-1 only.
 */
export function createEndpointBreaker(key: string, options: Omit<BreakerOptions, 'shared'> = {}, shared?: SharedBreakers): CircuitBreaker {
  return new CircuitBreaker(shared === undefined ? options : { ...options, shared: { key, ...shared } });
}

/** The breaker key of one endpoint of one target. */
export function endpointKey(target: string, url: string): string {
  return `${target}/${url}`;
}
