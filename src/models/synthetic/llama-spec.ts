import { seededRandom } from '../../seeded-random.js';

/** Shapes of a synthetic Llama decoder (the names follow config.json). */
export interface LlamaSpec {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Positions the model is built for (config max_position_embeddings). */
  maxPositions: number;
  ropeTheta: number;
  rmsNormEps: number;
  /** Seeds every weight: the same spec and seed give byte-identical files. */
  seed: number;
}

export function headDim(spec: LlamaSpec): number {
  return spec.hiddenSize / spec.heads;
}

/** Weights of one synthetic model, row-major, linear layers as W [in, out] (y = x·W). */
export interface LlamaWeights {
  embed: Float32Array; // [vocab, hidden]
  layers: Array<{
    inputNorm: Float32Array;
    q: Float32Array;
    k: Float32Array;
    v: Float32Array;
    o: Float32Array;
    postNorm: Float32Array;
    gate: Float32Array;
    up: Float32Array;
    down: Float32Array;
  }>;
  finalNorm: Float32Array;
  lmHead: Float32Array; // [hidden, vocab]
}

/** Deterministic normal draws (the seeded PRNG + Box-Muller); uniforms sit half a step up so log() never sees 0. */
function normalSource(seed: number): () => number {
  const random = seededRandom(seed);
  const uniform = (): number => random() + 0.5 / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function makeWeights(spec: LlamaSpec, quietTokenIds: number[] = []): LlamaWeights {
  const normal = normalSource(spec.seed);
  const matrix = (rows: number, cols: number, std: number): Float32Array => {
    const m = new Float32Array(rows * cols);
    for (let i = 0; i < m.length; i++) m[i] = normal() * std;
    return m;
  };
  const norm = (n: number): Float32Array => {
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = 1 + 0.1 * normal();
    return w;
  };
  const h = spec.hiddenSize;
  const hd = headDim(spec);
  const linear = (inputs: number, outputs: number): Float32Array => matrix(inputs, outputs, 1 / Math.sqrt(inputs));
  const lmHead = linear(h, spec.vocabSize);
  // Special tokens (EOS, chat markers) get near-zero logits so greedy answers from random weights are not empty.
  for (const id of quietTokenIds) for (let r = 0; r < h; r++) lmHead[r * spec.vocabSize + id] = 0;
  return {
    embed: matrix(spec.vocabSize, h, 1),
    layers: Array.from({ length: spec.layers }, () => ({
      inputNorm: norm(h),
      q: linear(h, spec.heads * hd),
      k: linear(h, spec.kvHeads * hd),
      v: linear(h, spec.kvHeads * hd),
      o: linear(spec.heads * hd, h),
      postNorm: norm(h),
      gate: linear(h, spec.intermediateSize),
      up: linear(h, spec.intermediateSize),
      down: linear(spec.intermediateSize, h),
    })),
    finalNorm: norm(h),
    lmHead,
  };
}
