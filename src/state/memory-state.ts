import { TokenBuckets } from '../server/security/token-bucket.js';
import type { BreakerBoard, BucketLimit, PeerFeed, SharedState, StoreStatus } from './shared-state.js';

/** Breakers of one process have no one to tell. */
const noBoard: BreakerBoard = { publish: () => {}, subscribe: () => () => {} };
const noPeers: PeerFeed = { publish: () => {}, subscribe: () => () => {} };

/** The embedded single-process state (no `SWITCHYARD_REDIS_URL`), also each replica's fallback while Redis is away. */
export class MemoryState implements SharedState {
  readonly breakers = noBoard;
  readonly peers = noPeers;
  private readonly buckets = new Map<string, TokenBuckets>();
  private readonly since = new Date().toISOString();

  constructor(private readonly now: () => number = Date.now) {}

  status(): StoreStatus {
    return { store: 'memory', mode: 'alone', connected: true, since: this.since };
  }

  async takeToken(bucket: string, limit: BucketLimit): Promise<number> {
    return this.bucketsFor(limit).take(bucket);
  }

  /** The synchronous take, for callers that never wait on a network. */
  takeTokenNow(bucket: string, limit: BucketLimit): number {
    return this.bucketsFor(limit).take(bucket);
  }

  onReconnect(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}

  private bucketsFor(limit: BucketLimit): TokenBuckets {
    const id = `${limit.ratePerMinute}/${limit.burst}`;
    let buckets = this.buckets.get(id);
    if (buckets === undefined) {
      buckets = new TokenBuckets({ ...limit, now: this.now });
      this.buckets.set(id, buckets);
    }
    return buckets;
  }
}
