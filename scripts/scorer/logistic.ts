/**
 * L2-regularised logistic regression on standardised features, fitted by Newton's method (IRLS). Exact and
 * deterministic: no learning rate, no random init; ~25 features × 10k rows converge in a few iterations.
 * Features listed in `fixed` are not fitted: their weight is a stated prior (in raw feature units) because
 * the training data never exercises them (e.g. multi-turn depth in single-question exams).
 */
export interface LogisticModel {
  /** Per feature: centre and scale used to standardise (x − mean) / scale. */
  mean: number[];
  scale: number[];
  /** Weight per standardised feature. */
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 penalty on standardised weights, in units of "rows" (λ/2·‖w‖² added to the summed log-loss). */
  l2: number;
  /** Per-feature penalties overriding `l2` (e.g. a stronger one for a block of many weak features). */
  l2ByFeature?: ReadonlyMap<number, number>;
  /** Per-row weights (e.g. to stop one big subject dominating); 1 when absent. */
  rowWeights?: ArrayLike<number>;
  /** Feature index → fixed raw-unit weight. */
  fixed?: ReadonlyMap<number, number>;
  iterations?: number;
  /**
   * Features whose weight may not go negative (they can only mean "harder": math, code, proof cues …).
   * A weight the data would make negative is pinned to 0 and the rest refitted; this keeps quirks of the
   * training subjects from teaching the scorer that, say, asking for a proof makes a prompt easier.
   */
  nonNegative?: ReadonlySet<number>;
}

export function fitLogistic(xs: readonly Float32Array[], ys: ArrayLike<number>, options: FitOptions): LogisticModel {
  const fixed = new Map(options.fixed ?? []);
  for (;;) {
    const model = fitFree(xs, ys, { ...options, fixed });
    const negative = [...(options.nonNegative ?? [])].filter((j) => !fixed.has(j) && (model.weights[j] ?? 0) < 0);
    if (negative.length === 0) return model;
    for (const j of negative) fixed.set(j, 0);
  }
}

function fitFree(xs: readonly Float32Array[], ys: ArrayLike<number>, options: FitOptions): LogisticModel {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const fixed = options.fixed ?? new Map<number, number>();
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(1);
  for (let j = 0; j < d; j += 1) {
    if (fixed.has(j)) continue;
    let s = 0, s2 = 0;
    for (const x of xs) s += x[j] ?? 0;
    const m = s / n;
    for (const x of xs) s2 += ((x[j] ?? 0) - m) ** 2;
    mean[j] = m;
    scale[j] = Math.sqrt(s2 / n) || 1;
  }
  const free = Array.from({ length: d }, (_, j) => j).filter((j) => !fixed.has(j));
  const p = free.length + 1; // + bias (last)
  const z = xs.map((x) => {
    const row = new Float64Array(p);
    free.forEach((j, k) => (row[k] = ((x[j] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1)));
    row[p - 1] = 1;
    return row;
  });
  const offset = xs.map((x) => {
    let o = 0;
    for (const [j, w] of fixed) o += w * (x[j] ?? 0);
    return o;
  });
  const beta = new Float64Array(p);
  const l2Of = (k: number) => options.l2ByFeature?.get(free[k] ?? -1) ?? options.l2;
  /** The penalised log-loss Newton minimises (log(1 + e^η) − yη per row, written to stay finite at any η). */
  const loss = (b: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i += 1) {
      const row = z[i] as Float64Array;
      let eta = offset[i] ?? 0;
      for (let k = 0; k < p; k += 1) eta += (row[k] ?? 0) * (b[k] ?? 0);
      const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
      total += (options.rowWeights?.[i] ?? 1) * (softplus - (ys[i] ?? 0) * eta);
    }
    for (let k = 0; k < p - 1; k += 1) total += (l2Of(k) / 2) * (b[k] ?? 0) ** 2;
    return total;
  };
  let current = loss(beta);
  for (let iter = 0; iter < (options.iterations ?? 25); iter += 1) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i += 1) {
      const row = z[i] as Float64Array;
      let eta = offset[i] ?? 0;
      for (let k = 0; k < p; k += 1) eta += (row[k] ?? 0) * (beta[k] ?? 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = options.rowWeights?.[i] ?? 1;
      const r = w * (mu - (ys[i] ?? 0));
      const h = w * mu * (1 - mu);
      for (let a = 0; a < p; a += 1) {
        const ra = row[a] ?? 0;
        grad[a] = (grad[a] ?? 0) + r * ra;
        for (let b = 0; b <= a; b += 1) hess[a * p + b] = (hess[a * p + b] ?? 0) + h * ra * (row[b] ?? 0);
      }
    }
    for (let a = 0; a < p; a += 1) {
      for (let b = 0; b < a; b += 1) hess[b * p + a] = hess[a * p + b] ?? 0;
      if (a < p - 1) {
        const l2 = l2Of(a);
        grad[a] = (grad[a] ?? 0) + l2 * (beta[a] ?? 0);
        hess[a * p + a] = (hess[a * p + a] ?? 0) + l2;
      }
    }
    // A full Newton step can overshoot where the Hessian is nearly flat (a fold whose rows the model already
    // separates well): it is halved until the loss goes down, so the fit never diverges.
    const step = solve(hess, grad, p);
    let scaleStep = 1;
    let next = beta.map((b, k) => b - (step[k] ?? 0));
    let nextLoss = loss(next);
    while (!(nextLoss <= current) && scaleStep > 1e-6) {
      scaleStep /= 2;
      next = beta.map((b, k) => b - scaleStep * (step[k] ?? 0));
      nextLoss = loss(next);
    }
    let change = 0;
    for (let k = 0; k < p; k += 1) change = Math.max(change, Math.abs((next[k] ?? 0) - (beta[k] ?? 0)));
    if (!(nextLoss <= current)) break;
    beta.set(next);
    current = nextLoss;
    if (change < 1e-9) break;
  }
  const weights = new Array<number>(d).fill(0);
  free.forEach((j, k) => (weights[j] = beta[k] ?? 0));
  for (const [j, w] of fixed) weights[j] = w; // mean 0, scale 1: the raw-unit prior
  return { mean, scale, weights, bias: beta[p - 1] ?? 0 };
}

/** The model's logit for one raw feature vector (the same arithmetic the ONNX graph performs). */
export function logit(model: LogisticModel, x: ArrayLike<number>): number {
  let eta = model.bias;
  model.weights.forEach((w, j) => (eta += (w * ((x[j] ?? 0) - (model.mean[j] ?? 0))) / (model.scale[j] ?? 1)));
  return eta;
}

export const sigmoid = (eta: number): number => 1 / (1 + Math.exp(-eta));

/** Solves A·x = b for symmetric positive-definite A (Cholesky). */
function solve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = a[i * p + j] ?? 0;
      for (let k = 0; k < j; k += 1) s -= (l[i * p + k] ?? 0) * (l[j * p + k] ?? 0);
      l[i * p + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / (l[j * p + j] ?? 1);
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i += 1) {
    let s = b[i] ?? 0;
    for (let k = 0; k < i; k += 1) s -= (l[i * p + k] ?? 0) * (y[k] ?? 0);
    y[i] = s / (l[i * p + i] ?? 1);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i -= 1) {
    let s = y[i] ?? 0;
    for (let k = i + 1; k < p; k += 1) s -= (l[k * p + i] ?? 0) * (x[k] ?? 0);
    x[i] = s / (l[i * p + i] ?? 1);
  }
  return x;
}
