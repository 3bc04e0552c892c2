import type { BreakerFailure, BreakerState, CircuitBreaker } from './circuit-breaker.js';

export type ConnectivityState = 'online' | 'degraded' | 'offline';

export interface ConnectivityStatus {
  state: ConnectivityState;
  breaker: BreakerState;
  consecutiveFailures: number;
  lastFailure: BreakerFailure | null;
}

/**
 * Online / degraded / offline, from the breaker (real request outcomes and probes) and the device's own view
 * of its interfaces: offline when the breaker is open or no interface is up; degraded while half-open or
 * after recent failures; online otherwise.
 */
export function connectivityOf(breaker: CircuitBreaker, interfacesOnline: boolean): ConnectivityStatus {
  const state: ConnectivityState =
    breaker.state === 'open' || !interfacesOnline ? 'offline' : breaker.state === 'half-open' || breaker.consecutiveFailures > 0 ? 'degraded' : 'online';
  return { state, breaker: breaker.state, consecutiveFailures: breaker.consecutiveFailures, lastFailure: breaker.lastFailure };
}
