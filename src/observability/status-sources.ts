import type { SignalSnapshot } from '../signals/snapshot.js';

/** The active policy file and how its last (re)load went. */
export interface PolicyStatus {
  file: string;
  /** When the serving policy was last loaded: ms since the epoch, or ISO 8601 (the policy watcher's form). */
  loadedAt: number | string;
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

/** `loadedAt` as ms since the epoch (NaN when unparseable). */
export function loadedAtMs(status: PolicyStatus): number {
  return typeof status.loadedAt === 'number' ? status.loadedAt : Date.parse(status.loadedAt);
}

export const defaultConnectivity = (): ConnectivityStatus => ({ state: 'online', breaker: 'closed' });
