import { seededRandom } from '../../src/seeded-random.js';
import { shuffled } from './cross-validate.js';

/**
 * Multinomial logistic regression over the mean of hashed features (fastText's supervised objective with the
 * hidden layer as wide as the label set), fitted by SGD with a linearly decaying learning rate. Deterministic:
 * the only randomness is the seeded visiting order.
 */
export interface SparseRow {
  ids: readonly number[];
  label: number;
  /** Loss weight (class balancing); 1 when absent. */
  weight?: number;
}

export interface SoftmaxOptions {
  buckets: number;
  classes: number;
  epochs: number;
  /** Initial learning rate; decays linearly to 0 over all updates. */
  lr: number;
  /** Weight decay per update, applied to the touched rows (lazy L2). */
  l2: number;
  seed: number;
}

export interface SoftmaxModel {
  /** buckets × classes, row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

export function trainSoftmax(rows: readonly SparseRow[], options: SoftmaxOptions): SoftmaxModel {
  const k = options.classes;
  const weights = new Float32Array(options.buckets * k);
  const bias = new Float32Array(k);
  const random = seededRandom(options.seed);
  const total = options.epochs * rows.length;
  const p = new Float64Array(k);
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    for (const row of shuffled(rows, random)) {
      const lr = options.lr * (1 - step / total);
      step += 1;
      const n = row.ids.length;
      if (n === 0) continue;
      forward({ weights, bias }, row.ids, k, p);
      const w = row.weight ?? 1;
      for (let t = 0; t < k; t += 1) {
        const g = w * ((p[t] ?? 0) - (t === row.label ? 1 : 0));
        bias[t] = (bias[t] ?? 0) - lr * g * 0.1;
        const gi = (lr * g) / n;
        for (const id of row.ids) {
          const at = id * k + t;
          weights[at] = (weights[at] ?? 0) * (1 - options.l2) - gi;
        }
      }
    }
  }
  return { weights, bias };
}

/** Class probabilities of one prompt's feature ids into `p`. */
export function forward(model: SoftmaxModel, ids: readonly number[], k: number, p: Float64Array): Float64Array {
  const { weights, bias } = model;
  const n = ids.length;
  for (let t = 0; t < k; t += 1) p[t] = 0;
  for (const id of ids) for (let t = 0; t < k; t += 1) p[t] = (p[t] ?? 0) + (weights[id * k + t] ?? 0);
  let max = -Infinity;
  for (let t = 0; t < k; t += 1) {
    p[t] = (bias[t] ?? 0) + (n === 0 ? 0 : (p[t] ?? 0) / n);
    max = Math.max(max, p[t] ?? 0);
  }
  let sum = 0;
  for (let t = 0; t < k; t += 1) {
    p[t] = Math.exp((p[t] ?? 0) - max);
    sum += p[t] ?? 0;
  }
  for (let t = 0; t < k; t += 1) p[t] = (p[t] ?? 0) / sum;
  return p;
}

/** int8 table with one scale (logit units per step): what ships. */
export function quantise(model: SoftmaxModel): { table: Int8Array; scale: number } {
  let max = 0;
  for (const v of model.weights) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : max / 127;
  const table = new Int8Array(model.weights.length);
  model.weights.forEach((v, i) => (table[i] = Math.round(v / scale)));
  return { table, scale };
}
