import type { Random } from '../../seeded-random.js';

/**
 * Picks the next token from a row of logits. Temperature 0 (or undefined) is greedy argmax, so the same
 * prompt always gives the same answer; otherwise softmax at `temperature`, then top-k, then top-p (nucleus),
 * drawn with a seeded PRNG so a given `seed` reproduces a sampled answer.
 */
export interface SamplingParams {
  temperature: number;
  topP: number;
  /** 0 = no top-k cut. */
  topK: number;
  seed: number | undefined;
  /**
   * OpenAI's repetition penalties, -2..2: each logit drops by `frequencyPenalty` × the times its token is already
   * in the answer, plus `presencePenalty` once it is there at all. 0 (the default) leaves the logits alone.
   */
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/** Lowers the logits of tokens already in the answer (`counts`: token → times generated), in place. */
export function applyPenalties(logits: Float32Array, counts: ReadonlyMap<number, number>, params: SamplingParams): void {
  const presence = params.presencePenalty ?? 0;
  const frequency = params.frequencyPenalty ?? 0;
  if (presence === 0 && frequency === 0) return;
  for (const [token, count] of counts) logits[token] = (logits[token] as number) - frequency * count - presence;
}

export { seededRandom, type Random } from '../../seeded-random.js';

export function argmax(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = logits[offset + i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

export function sampleToken(
  logits: ArrayLike<number>,
  offset: number,
  length: number,
  params: SamplingParams,
  random: Random,
): number {
  if (params.temperature <= 0) return argmax(logits, offset, length);
  // Candidates sorted by logit; top-k first keeps the sort cheap for large vocabularies.
  const order = Array.from({ length }, (_, i) => i).sort(
    (x, y) => (logits[offset + y] as number) - (logits[offset + x] as number),
  );
  const k = params.topK > 0 ? Math.min(params.topK, length) : length;
  const top = order.slice(0, k);
  const max = logits[offset + (top[0] as number)] as number;
  const weights = top.map((i) => Math.exp(((logits[offset + i] as number) - max) / params.temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  let kept = 0;
  let cumulative = 0;
  for (const w of weights) {
    cumulative += w / total;
    kept++;
    if (cumulative >= params.topP) break;
  }
  const keptTotal = weights.slice(0, kept).reduce((s, w) => s + w, 0);
  let r = random() * keptTotal;
  for (let i = 0; i < kept; i++) {
    r -= weights[i] as number;
    if (r <= 0) return top[i] as number;
  }
  return top[kept - 1] as number;
}
