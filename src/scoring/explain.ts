import type { ScoreReason, Tier } from './score-result.js';
import type { ModelCard } from './model-card.js';
import { SCORE_FEATURES } from './task-features.js';

/** Pushes smaller than this (in logit units) are noise to a reader and left out of `reasons`. */
const MIN_PUSH = 0.05;
const MAX_REASONS = 3;

/**
 * Why a score came out as it did: each feature's push on the logit relative to an average training prompt,
 * w_j·(x_j − mean_j)/scale_j, strongest first. These are exact for a linear model, so the pushes plus the
 * bias add up to the score's logit.
 */
export function explain(card: ModelCard, x: ArrayLike<number>): ScoreReason[] {
  const pushes: ScoreReason[] = [];
  for (let j = 0; j < card.features.length; j += 1) {
    const weight = ((card.weights[j] ?? 0) * ((x[j] ?? 0) - (card.mean[j] ?? 0))) / (card.scale[j] ?? 1);
    if (Math.abs(weight) < MIN_PUSH) continue;
    const spec = SCORE_FEATURES[j];
    const rising = (x[j] ?? 0) >= (card.mean[j] ?? 0);
    pushes.push({
      feature: card.features[j] ?? `f${j}`,
      weight: Math.round(weight * 1000) / 1000,
      detail: spec === undefined ? '' : rising ? spec.more : spec.less,
    });
  }
  return pushes.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, MAX_REASONS);
}

export function tierOf(card: ModelCard, score: number): Tier {
  if (score >= card.tierCuts.high) return 'high';
  return score >= card.tierCuts.medium ? 'medium' : 'low';
}
