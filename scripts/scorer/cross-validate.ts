import type { Example } from './dataset.js';

import { seededRandom } from '../../src/seeded-random.js';

export { seededRandom };

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Fold number per example, whole subjects at a time: a subject is never in both the training and the test
 * side, so the estimate says how the scorer does on subjects it has not seen.
 */
export function subjectFolds(examples: readonly Example[], folds: number, seed: number): number[] {
  const subjects = shuffled([...new Set(examples.map((e) => e.subject))].sort(), seededRandom(seed));
  const foldOf = new Map(subjects.map((s, i) => [s, i % folds] as const));
  return examples.map((e) => foldOf.get(e.subject) ?? 0);
}

/** Out-of-fold scores: each example scored by a model trained without its subject's fold. */
export function outOfFold(
  examples: readonly Example[],
  folds: readonly number[],
  train: (rows: readonly Example[]) => (row: Example) => number,
): Float64Array {
  const scores = new Float64Array(examples.length);
  const foldIds = [...new Set(folds)].sort((a, b) => a - b);
  for (const fold of foldIds) {
    const predict = train(examples.filter((_, i) => folds[i] !== fold));
    examples.forEach((e, i) => {
      if (folds[i] === fold) scores[i] = predict(e);
    });
  }
  return scores;
}
