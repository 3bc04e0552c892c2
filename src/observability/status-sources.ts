import type { SignalSnapshot } from '../signals/snapshot.js';

/** The active policy file and how its last (re)load went. */
export interface PolicyStatus {
  file: string;
  /** ms since the epoch of the last successful load. */
  loadedAt: number;
  /** Message of the last failed reload (the previous policy stays active); null when the last load worked. */
  lastError: string | null;
}

export interface ConnectivityStatus {
  state: 'online' | 'degraded' | 'offline';
  breaker: 'closed' | 'open' | 'half-open';
}

/**
 * Live state the metrics and the dashboard sample on their own schedule. Injected as functions so the
 * server wires the real signal hub, policy loader and failover breaker, and tests pass plain closures.
 */
export interface StatusSources {
  signals: () => SignalSnapshot | null;
  policyStatus: () => PolicyStatus | null;
  connectivity: () => ConnectivityStatus;
}

export const defaultConnectivity = (): ConnectivityStatus => ({ state: 'online', breaker: 'closed' });
