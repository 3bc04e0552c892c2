import type { ChatMessage } from '../../src/backends/backend.js';
import { analysePrompt, FEATURES } from '../../src/scoring/features.js';
import type { WordEmbeddings } from './embeddings.js';
import { meanEmbedding } from './embeddings.js';
import type { LogisticModel } from './logistic.js';

/**
 * What the training recipe fits on: the runtime's surface features, then (when word vectors are loaded) the
 * prompt's mean word vector. The logistic model over both collapses, for shipping, into the surface model
 * plus one score per vocabulary word (see `collapseTopic`), so the runtime never needs the vectors.
 */
export interface FeatureSpace {
  names: string[];
  embeddings: WordEmbeddings | null;
  of(messages: readonly ChatMessage[]): Float32Array;
}

export function featureSpace(embeddings: WordEmbeddings | null): FeatureSpace {
  const base = FEATURES.length;
  const d = embeddings?.dimensions ?? 0;
  return {
    names: [...FEATURES.map((f) => f.name), ...Array.from({ length: d }, (_, k) => `topic_${k}`)],
    embeddings,
    of(messages) {
      const { features, words } = analysePrompt(messages);
      if (embeddings === null) return features;
      const x = new Float32Array(base + d);
      x.set(features);
      x.set(meanEmbedding(embeddings, words), base);
      return x;
    },
  };
}

export interface ShippedScorer {
  /** The model over the surface features only; its bias absorbs the topic part's centring. */
  surface: LogisticModel;
  /** Per vocabulary word (same order as the embeddings' words): its push on the logit. */
  wordScores: Float64Array;
  /** A training-space vector's topic push (the mean of its words' scores), as the shipped graph computes it. */
  topicOf(x: ArrayLike<number>): number;
}

/**
 * A logistic model over [surface, mean word vector] is exactly the surface model plus the mean of per-word
 * scores: Σ_k w_k (ē_k − μ_k)/σ_k = mean_words(Σ_k (w_k/σ_k) v_word,k) − Σ_k w_k μ_k/σ_k.
 */
export function collapseTopic(model: LogisticModel, embeddings: WordEmbeddings | null): ShippedScorer {
  const base = FEATURES.length;
  const pick = (list: number[]) => list.slice(0, base);
  if (embeddings === null) return { surface: model, wordScores: new Float64Array(0), topicOf: () => 0 };
  const d = embeddings.dimensions;
  const u = Array.from({ length: d }, (_, k) => (model.weights[base + k] ?? 0) / (model.scale[base + k] ?? 1));
  const centring = u.reduce((acc, uk, k) => acc + uk * (model.mean[base + k] ?? 0), 0);
  const wordScores = new Float64Array(embeddings.words.length);
  for (let i = 0; i < wordScores.length; i += 1) {
    let s = 0;
    for (let k = 0; k < d; k += 1) s += (u[k] ?? 0) * (embeddings.vectors[i * d + k] ?? 0);
    wordScores[i] = s;
  }
  return {
    surface: { mean: pick(model.mean), scale: pick(model.scale), weights: pick(model.weights), bias: model.bias - centring },
    wordScores,
    topicOf: (x) => u.reduce((acc, uk, k) => acc + uk * (x[base + k] ?? 0), 0),
  };
}
