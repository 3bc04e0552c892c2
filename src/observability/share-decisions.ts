import { z } from 'zod';
import type { PeerFeed } from '../state/shared-state.js';
import type { EventFeed } from './event-feed.js';
import type { FeedDecision } from './feed-types.js';

/** Enough of a FeedDecision to count it and show its row; the rest is passed as the peer sent it. */
const PeerDecisionSchema = z.looseObject({ id: z.string(), at: z.number(), servedBy: z.string().nullable(), status: z.number(), accounting: z.object({}).loose() });

/**
 * The dashboard of every replica shows the group: each decision this replica records is published to the others,
 * and theirs are recorded here marked with the replica that answered (never re-published). Metrics stay per process
 * (Prometheus sums the replicas); the decision log stays per process too.
 */
export function shareDecisions(feed: EventFeed, peers: PeerFeed): () => void {
  const stopPublishing = feed.subscribe((event) => {
    if (event.type === 'decision' && event.decision.replica === undefined) peers.publish(event.decision);
  });
  const stopReceiving = peers.subscribe((item, from) => {
    const parsed = PeerDecisionSchema.safeParse(item);
    if (parsed.success) feed.record({ ...(parsed.data as unknown as FeedDecision), replica: from });
  });
  return () => {
    stopPublishing();
    stopReceiving();
  };
}
