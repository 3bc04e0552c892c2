import type { Example } from './dataset.js';
import { seededRandom, shuffled, subjectFolds } from './cross-validate.js';
import { logit } from './logistic.js';
import { RECIPE, trainRecipe, type Recipe } from './recipe.js';
import { qualityFromOrder, routingQuality, type RoutingQuality } from './routing-metrics.js';

export interface MethodSummary {
  apgr: number;
  /** Standard deviation of APGR across the held-out sets (how much it depends on which subjects are unseen). */
  apgrSd: number;
  cpt50: number;
  cpt80: number;
  /** Mean decile curve (quality at 0%, 10%, … strong share), averaged over held-out folds. */
  curve: number[];
}

export interface Evaluation {
  folds: number;
  repeats: number;
  /** Held-out folds evaluated (folds × repeats). */
  heldOutSets: number;
  methods: Record<'scorer' | 'length' | 'random', MethodSummary>;
}

const RANDOM_DRAWS = 20;

/**
 * Subject-grouped cross-validation: the recipe is trained on the other folds' subjects and judged on the
 * held-out fold's subjects as one pool (the way a deployed scorer meets a set of unseen subjects). Length-only
 * and random routing are scored on the same held-out sets in the same run. Repeats reshuffle the subject→fold map.
 */
export function crossValidate(examples: readonly Example[], folds = 5, repeats = 5, seed = 7, recipe: Recipe = RECIPE): Evaluation {
  const runs: Record<keyof Evaluation['methods'], RoutingQuality[]> = { scorer: [], length: [], random: [] };
  const random = seededRandom(seed);
  for (let r = 0; r < repeats; r += 1) {
    const foldOf = subjectFolds(examples, folds, seed + r);
    for (let f = 0; f < folds; f += 1) {
      const test = examples.filter((_, i) => foldOf[i] === f);
      const model = trainRecipe(examples.filter((_, i) => foldOf[i] !== f), recipe);
      runs.scorer.push(routingQuality(test, test.map((e) => logit(model, e.features))));
      runs.length.push(routingQuality(test, test.map((e) => e.features[0] ?? 0)));
      const indices = test.map((_, i) => i);
      for (let d = 0; d < RANDOM_DRAWS; d += 1) runs.random.push(qualityFromOrder(test, shuffled(indices, random)));
    }
  }
  const summarise = (list: RoutingQuality[]): MethodSummary => {
    const mean = (pick: (q: RoutingQuality) => number) => list.reduce((s, q) => s + pick(q), 0) / list.length;
    const steps = list[0]?.curve.length ?? 0;
    // Curves are normalised per fold (0 = weak quality, 1 = strong quality) before averaging.
    const curve = Array.from({ length: steps }, (_, i) =>
      mean((q) => ((q.curve[i]?.quality ?? 0) - q.weakQuality) / (q.strongQuality - q.weakQuality)),
    );
    const apgr = mean((q) => q.apgr);
    const apgrSd = Math.sqrt(mean((q) => (q.apgr - apgr) ** 2));
    return { apgr, apgrSd, cpt50: mean((q) => q.cpt50), cpt80: mean((q) => q.cpt80), curve };
  };
  return {
    folds,
    repeats,
    heldOutSets: folds * repeats,
    methods: { scorer: summarise(runs.scorer), length: summarise(runs.length), random: summarise(runs.random) },
  };
}
