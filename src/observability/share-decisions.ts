import { z } from 'zod';
import type { PeerFeed } from '../state/shared-state.js';
import type { EventFeed } from './event-feed.js';
import type { FeedDecision } from './feed-types.js';

/** Enough of a FeedDecision to count it and show its row; the rest is passed as the peer sent it. */
const PeerDecisionSchema = z.looseObject({ id: z.string(), at: z.number(), servedBy: z.string().nullable(), status: z.number(), accounting: z.object({}).loose() });
const PeerBatchSchema = z.array(PeerDecisionSchema);

/** Decisions are sent to the other replicas in one message per this many ms (never one Redis call per request). */
const BATCH_MS = 200;

/**
 * The dashboard of every replica shows the group: the decisions this replica records are published to the others
 * in small batches, and theirs are recorded here marked with the replica that answered (never re-published).
 * Metrics stay per process (Prometheus sums the replicas); the decision log stays per process too.
 */
export function shareDecisions(feed: EventFeed, peers: PeerFeed): () => void {
  let batch: FeedDecision[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    if (batch.length > 0) peers.publish(batch);
    batch = [];
  };
  const stopPublishing = feed.subscribe((event) => {
    if (event.type !== 'decision' || event.decision.replica !== undefined) return;
    batch.push(event.decision);
    if (timer === null) {
      timer = setTimeout(flush, BATCH_MS);
      timer.unref();
    }
  });
  const stopReceiving = peers.subscribe((item, from) => {
    const parsed = PeerBatchSchema.safeParse(item);
    if (!parsed.success) return;
    for (const decision of parsed.data) feed.record({ ...(decision as unknown as FeedDecision), replica: from });
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    flush();
    stopPublishing();
    stopReceiving();
  };
}
