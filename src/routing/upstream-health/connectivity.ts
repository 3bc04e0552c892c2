import type { BreakerFailure, BreakerState, CircuitBreaker } from './circuit-breaker.js';

/** `no-upstream`: none is configured, so there is no link to be on or off. */
export type ConnectivityState = 'online' | 'degraded' | 'offline' | 'no-upstream';

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
export function connectivityOf(breaker: CircuitBreaker, interfacesOnline: boolean, upstreamConfigured = true): ConnectivityStatus {
  const state: ConnectivityState = !upstreamConfigured
    ? 'no-upstream'
    : breaker.state === 'open' || !interfacesOnline ? 'offline' : breaker.state === 'half-open' || breaker.consecutiveFailures > 0 ? 'degraded' : 'online';
  return { state, breaker: breaker.state, consecutiveFailures: breaker.consecutiveFailures, lastFailure: breaker.lastFailure };
}
