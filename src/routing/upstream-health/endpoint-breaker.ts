import { type BreakerOptions, CircuitBreaker } from './circuit-breaker.js';

/**
 * The one place an upstream endpoint's circuit breaker is made: one breaker per endpoint, keyed
 * `${target}/${endpointUrl}` (e.g. `edge/http://gpu-1:8000/v1`). The key names the endpoint for whatever keeps
 * breaker state (in-process today; a store shared by replicas can key its state by it).
 */
export function createEndpointBreaker(key: string, options: BreakerOptions = {}): CircuitBreaker {
  void key;
  return new CircuitBreaker(options);
}

/** The breaker key of one endpoint of one target. */
export function endpointKey(target: string, url: string): string {
  return `${target}/${url}`;
}
