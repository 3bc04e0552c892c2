import type { BreakerFailure } from '../routing/upstream-health/circuit-breaker.js';

/** Where replica-shared state lives now, for /healthz: `memory` is this process alone. */
export interface StoreStatus {
  store: 'memory' | 'redis';
  /** `alone` (memory), `shared` (Redis reached) or `degraded` (Redis away: this replica answers on its local state). */
  mode: 'alone' | 'shared' | 'degraded';
  /** Always true for `memory`; for `redis`, false while this replica runs on its local state. */
  connected: boolean;
  /** When `connected` last changed (ISO 8601). */
  since: string;
}

/** A limit on one client's bucket: `burst` at once, then `ratePerMinute`. */
export interface BucketLimit {
  ratePerMinute: number;
  burst: number;
}

/** A breaker's verdict one replica shares with the others under the breaker's key. */
export interface BreakerNews {
  state: 'open' | 'closed';
  /** While open: until when (ms since the epoch) the others should not send anything to it. */
  openUntil: number | null;
  failure: BreakerFailure | null;
}

/** Where breakers publish their verdicts and learn the other replicas' (keyed `target` or `target/endpointUrl`). */
export interface BreakerBoard {
  publish(key: string, news: BreakerNews): void;
  /** Calls `listener` with the other replicas' verdicts on `key` (and the current one on (re)connect). */
  subscribe(key: string, listener: (news: BreakerNews) => void): () => void;
}

/** Where replicas tell each other what they answered, so each dashboard shows the group (one item per request). */
export interface PeerFeed {
  publish(item: unknown): void;
  /** Calls `listener` with every other replica's items, and the id of the replica that sent it. */
  subscribe(listener: (item: unknown, from: string) => void): () => void;
}

/**
 * The state several Switchyard replicas share: client rate-limit buckets and breaker verdicts (the deferred
 * queue has its own store, see DeferredStore). `MemoryState` is one process; `RedisState` is the group, falling
 * back to a `MemoryState` of its own while Redis is away.
 */
export interface SharedState {
  readonly breakers: BreakerBoard;
  readonly peers: PeerFeed;
  status(): StoreStatus;
  /** Takes one token from `bucket`; resolves 0 when allowed, else the ms until a token will be available. */
  takeToken(bucket: string, limit: BucketLimit): Promise<number>;
  /** Calls `listener` each time the shared store comes back after an outage (to push what was kept locally). */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}
