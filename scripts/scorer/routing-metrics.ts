/**
 * RouteLLM-style routing quality. Prompts are sent to the strong model in order of decreasing score; at each
 * strong-call share the quality is the mean correctness of whichever model answered. APGR = (area under that
 * curve − weak quality) / (strong quality − weak quality); CPT(x) = smallest strong share recovering x of the gap.
 */
export interface Outcome {
  weakCorrect: boolean;
  strongCorrect: boolean;
}

export interface RoutingQuality {
  apgr: number;
  /** Strong-call shares (0..1) needed for 50% / 80% of the weak→strong gap. */
  cpt50: number;
  cpt80: number;
  weakQuality: number;
  strongQuality: number;
  /** Quality at strong shares 0, 0.1, …, 1 (the decile sweep). */
  curve: Array<{ share: number; quality: number }>;
}

/** Quality when the top `k` prompts of `order` go to the strong model, for every k (prefix sums). */
function qualityByCount(outcomes: readonly Outcome[], order: readonly number[]): Float64Array {
  const n = outcomes.length;
  const quality = new Float64Array(n + 1);
  let correct = 0;
  for (const o of outcomes) correct += o.weakCorrect ? 1 : 0;
  quality[0] = correct / n;
  order.forEach((index, k) => {
    const o = outcomes[index];
    if (o === undefined) throw new Error('order index out of range');
    correct += (o.strongCorrect ? 1 : 0) - (o.weakCorrect ? 1 : 0);
    quality[k + 1] = correct / n;
  });
  return quality;
}

/** Indices by decreasing score; ties keep input order so results are deterministic. */
export function rankByScore(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
}

export function routingQuality(outcomes: readonly Outcome[], scores: ArrayLike<number>, steps = 10): RoutingQuality {
  return qualityFromOrder(outcomes, rankByScore(scores), steps);
}

export function qualityFromOrder(outcomes: readonly Outcome[], order: readonly number[], steps = 10): RoutingQuality {
  const n = outcomes.length;
  const byCount = qualityByCount(outcomes, order);
  const weakQuality = byCount[0] ?? 0;
  const strongQuality = outcomes.reduce((sum, o) => sum + (o.strongCorrect ? 1 : 0), 0) / n;
  const gap = strongQuality - weakQuality;
  const curve = Array.from({ length: steps + 1 }, (_, i) => {
    const share = i / steps;
    return { share, quality: byCount[Math.round(share * n)] ?? 0 };
  });
  let area = 0;
  for (let i = 1; i < curve.length; i += 1) {
    const a = curve[i - 1], b = curve[i];
    if (a && b) area += ((a.quality + b.quality) / 2) * (b.share - a.share);
  }
  // CPT at full resolution (every prompt count), so it is not quantised to deciles.
  const cpt = (fraction: number): number => {
    for (let k = 0; k <= n; k += 1) if ((byCount[k] ?? 0) - weakQuality >= fraction * gap) return k / n;
    return 1;
  };
  return { apgr: (area - weakQuality) / gap, cpt50: cpt(0.5), cpt80: cpt(0.8), weakQuality, strongQuality, curve };
}
