import type { ChatMessage } from '../backends/backend.js';
import { loadScorer } from '../scoring/index.js';
import type { ScoreResult } from '../scoring/score-result.js';

/** What the policy tools need from the complexity scorer, or why it is unavailable. */
export type ScoringHooks =
  | {
      available: true;
      score(messages: ChatMessage[]): Promise<ScoreResult>;
      /** The score threshold that sends `share` (0..1) of typical traffic to the cloud. */
      thresholdForCloudShare(share: number): number;
      close(): Promise<void>;
    }
  | { available: false; reason: string };

/**
 * Load the bundled scorer for `policy check|test`. A missing or broken scorer is not fatal here: only
 * `complexity.cloudShare` conditions and cases without a pinned `score` need it, and they say so.
 */
export async function loadScoringHooks(load: typeof loadScorer = loadScorer): Promise<ScoringHooks> {
  try {
    const scorer = await load();
    return {
      available: true,
      score: (messages) => scorer.score(messages),
      thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share),
      close: () => scorer.close(),
    };
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
