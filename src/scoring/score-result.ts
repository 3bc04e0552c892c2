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
  /** The features that pushed the score most, strongest first. */
  reasons: ScoreReason[];
}
