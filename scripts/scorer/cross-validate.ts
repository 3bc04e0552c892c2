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
 * Fold number per row, whole groups at a time (an MMLU subject, a FLASK source task, an Auto-J scenario): a
 * group is never on both the training and the test side, so the estimate says how the model does on groups it
 * has not seen.
 */
export function groupFolds(groups: readonly string[], folds: number, seed: number): number[] {
  const order = shuffled([...new Set(groups)].sort(), seededRandom(seed));
  const foldOf = new Map(order.map((g, i) => [g, i % folds] as const));
  return groups.map((g) => foldOf.get(g) ?? 0);
}

/** Area under the ROC curve: the chance a positive outranks a negative (ties count half). 0.5 = chance. */
export function auc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return 0.5;
  const all = [...positives.map((s) => [s, 1] as const), ...negatives.map((s) => [s, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]?.[0] === all[i]?.[0]) j += 1;
    const midRank = (i + j + 1) / 2; // 1-based average rank of the tie block
    for (let k = i; k < j; k += 1) if (all[k]?.[1] === 1) rankSum += midRank;
    i = j;
  }
  const p = positives.length, n = negatives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * n);
}
