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
  methods: Record<'scorer' | 'length' | 'random' | 'topicCeiling', MethodSummary>;
  /** Other training recipes evaluated on the same held-out sets (for comparison; not shipped). */
  alternatives: Record<string, MethodSummary>;
}

const RANDOM_DRAWS = 20;

/** Trains on some rows and returns a scoring function over raw feature vectors (higher = send to the cloud). */
export type Trainer = (rows: readonly Example[]) => (features: Float32Array) => number;

/**
 * Subject-grouped cross-validation: the recipe is trained on the other folds' subjects and judged on the
 * held-out fold's subjects as one pool (the way a deployed scorer meets a set of unseen subjects). Length-only
 * and random routing are scored on the same held-out sets in the same run. Repeats reshuffle the subject→fold map.
 */
export function crossValidate(
  examples: readonly Example[], folds = 5, repeats = 5, seed = 7, recipe: Recipe = RECIPE,
  alternatives: Readonly<Record<string, Trainer>> = {},
): Evaluation {
  const runs: Record<keyof Evaluation['methods'], RoutingQuality[]> = { scorer: [], length: [], random: [], topicCeiling: [] };
  const alternativeRuns = Object.fromEntries(Object.keys(alternatives).map((name) => [name, [] as RoutingQuality[]]));
  const random = seededRandom(seed);
  for (let r = 0; r < repeats; r += 1) {
    const foldOf = subjectFolds(examples, folds, seed + r);
    for (let f = 0; f < folds; f += 1) {
      const test = examples.filter((_, i) => foldOf[i] === f);
      const train = examples.filter((_, i) => foldOf[i] !== f);
      const model = trainRecipe(train, recipe);
      for (const [name, trainer] of Object.entries(alternatives)) {
        const predict = trainer(train);
        alternativeRuns[name]?.push(routingQuality(test, test.map((e) => predict(e.features))));
      }
      runs.scorer.push(routingQuality(test, test.map((e) => logit(model, e.features))));
      runs.length.push(routingQuality(test, test.map((e) => e.features[0] ?? 0)));
      runs.topicCeiling.push(routingQuality(test, topicOracle(test)));
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
    methods: {
      scorer: summarise(runs.scorer), length: summarise(runs.length), random: summarise(runs.random),
      topicCeiling: summarise(runs.topicCeiling),
    },
    alternatives: Object.fromEntries(Object.entries(alternativeRuns).map(([name, list]) => [name, summarise(list)])),
  };
}

/**
 * An oracle that knows each held-out subject's true gain (strong right − weak right, averaged over the subject)
 * and nothing about single questions: the best any router can do that only recognises what a prompt is about.
 * It is the ceiling for topic-level signals, which is all that surface features carry across subjects.
 */
function topicOracle(test: readonly Example[]): number[] {
  const gain = new Map<string, { sum: number; n: number }>();
  for (const e of test) {
    const g = gain.get(e.subject) ?? { sum: 0, n: 0 };
    g.sum += (e.strongCorrect ? 1 : 0) - (e.weakCorrect ? 1 : 0);
    g.n += 1;
    gain.set(e.subject, g);
  }
  return test.map((e) => {
    const g = gain.get(e.subject);
    return g === undefined ? 0 : g.sum / g.n;
  });
}
