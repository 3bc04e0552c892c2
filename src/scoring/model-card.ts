import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * `models/scorer/scorer.json`, written by scripts/train-scorer.ts next to `scorer.onnx`. The ONNX file turns a
 * feature vector into the score; this card carries what the runtime needs around it: the feature order, the
 * standardised weights (to explain a score as per-feature pushes), the reference score distribution (to turn
 * "send 30% to the cloud" into a threshold) and the tier cut points.
 */
export const ModelCardSchema = z.object({
  format: z.literal('switchyard-scorer/2'),
  target: z.string(),
  features: z.array(z.string()).min(1),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
  /** The task classifier's card (next to this one); its probabilities are the last features. */
  taskClassifier: z.string(),
  /** Features whose weight is a stated prior rather than fitted, with why. */
  priors: z.record(z.string(), z.string()),
  /** Score quantiles 0%, 1%, …, 100% over the training prompts. */
  referenceQuantiles: z.array(z.number()).length(101),
  /** score < medium → low; score ≥ high → high. */
  tierCuts: z.object({ medium: z.number(), high: z.number() }),
  /** Prompts scored at training time in float64, for the "ONNX agrees with training" check. */
  probes: z.array(z.object({ prompt: z.string(), score: z.number() })),
  training: z.record(z.string(), z.unknown()),
});

export type ModelCard = z.infer<typeof ModelCardSchema>;

export function readModelCard(path: string): ModelCard {
  const card = ModelCardSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const n = card.features.length;
  if (card.mean.length !== n || card.scale.length !== n || card.weights.length !== n) {
    throw new Error(`${path}: mean/scale/weights must each have ${n} entries`);
  }
  return card;
}

/** Score threshold that sends `share` (0..1) of the reference prompts to the cloud (linear between quantiles). */
export function thresholdForShare(quantiles: readonly number[], share: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`cloud share must be within [0, 1], got ${share}`);
  if (share === 0) return Number.POSITIVE_INFINITY;
  const position = (1 - share) * (quantiles.length - 1);
  const lo = Math.floor(position);
  const a = quantiles[lo] ?? 0;
  const b = quantiles[Math.min(lo + 1, quantiles.length - 1)] ?? a;
  return a + (b - a) * (position - lo);
}

/** q-quantiles (0..100%) of a sample, linear interpolation. */
export function quantiles(values: ArrayLike<number>, count = 101): number[] {
  const sorted = Float64Array.from(values).sort();
  return Array.from({ length: count }, (_, i) => {
    const position = (i / (count - 1)) * (sorted.length - 1);
    const lo = Math.floor(position);
    const a = sorted[lo] ?? 0;
    return a + ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? a) - a) * (position - lo);
  });
}
