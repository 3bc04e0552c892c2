import { tierOf } from './explain.js';
import { DEFAULT_SCORER_PATH } from './load-scorer.js';
import { readModelCard, type ModelCard } from './model-card.js';
import type { Tier } from './score-result.js';

let card: ModelCard | undefined;

/**
 * The tier the server gives `score`: the bundled scorer card's cut points. Tools that take a score as given
 * (a cases file's pinned `score: 0.5`) use this, so a pinned score lands in the same tier as on the server.
 */
export function bundledTierOf(score: number): Tier {
  card ??= readModelCard(DEFAULT_SCORER_PATH.replace(/\.onnx$/, '.json'));
  return tierOf(card, score);
}
