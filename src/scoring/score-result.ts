import type { Task } from './tasks.js';

/** What the complexity scorer says about one request. Pure data: it goes into decisions, logs and headers. */
export type Tier = 'low' | 'medium' | 'high';

export interface ScoreReason {
  /** Feature name, e.g. `length`, `multi_step`, `math`. */
  feature: string;
  /** Signed push on the score's logit; positive means "more complex". */
  weight: number;
  /** Short human text, e.g. "asks for a proof". */
  detail: string;
}

export interface ScoreResult {
  /** Complexity in [0,1]; higher means the large model is more likely to be needed. */
  score: number;
  tier: Tier;
  /**
   * What kind of request this is (the task classifier's best guess), e.g. `coding`, `chat`. The scorer always
   * names one; null only where a score was given rather than computed (a `policy test` case pinning `score`
   * without `task`), and then a policy's `task:` condition does not match.
   */
  task: Task | null;
  /**
   * The request's language as an ISO 639-1 code ("en", "zh"), "und" when too short to tell. Absent where a score
   * was given rather than computed (a `policy test` case pinning `score` without `language`); then a policy's
   * `language:` condition does not match.
   */
  language?: string | undefined;
  /** The features that pushed the score most, strongest first. */
  reasons: ScoreReason[];
}
