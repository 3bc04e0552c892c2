import type { PolicyStatus as WatchedPolicyStatus } from '../policy/watcher.js';
import type { EndpointStatus } from '../routing/pool/pool-endpoint.js';
import type { ConnectivityStatus as UpstreamConnectivity } from '../routing/upstream-health/connectivity.js';
import type { SignalSnapshot } from '../signals/snapshot.js';

/** The policy watcher's status; `loadedAt` may also be ms since the epoch (the service sends that). */
export type PolicyStatus = Omit<WatchedPolicyStatus, 'loadedAt'> & { loadedAt: number | string };

/** The part of the upstream's connectivity that metrics and the dashboard show. */
export type ConnectivityStatus = Pick<UpstreamConnectivity, 'state' | 'breaker'>;

/**
 * Live state the metrics and the dashboard sample on their own schedule. Injected as functions so the
 * server wires the real signal hub, policy loader and failover breaker, and tests pass plain closures.
 */
export interface StatusSources {
  signals: () => SignalSnapshot | null;
  policyStatus: () => PolicyStatus | null;
  connectivity: () => ConnectivityStatus;
  /** A targets file's pools: each endpoint's breaker, requests in flight and probed link, by target name. */
  endpoints?: () => Record<string, readonly EndpointStatus[]>;
}

/** `loadedAt` as ms since the epoch (NaN when unparseable). */
export function loadedAtMs(status: PolicyStatus): number {
  return typeof status.loadedAt === 'number' ? status.loadedAt : Date.parse(status.loadedAt);
}

export const defaultConnectivity = (): ConnectivityStatus => ({ state: 'online', breaker: 'closed' });
