import type { GrammarSpec } from './grammar/grammar-spec.js';
import type { PrefixCacheStats } from './prefix-cache.js';
import type { SamplingParams } from './sampler.js';

/** What the generation loop needs to know about the loaded graph. */
export interface DecoderShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
}

export interface GenerationRequest {
  promptIds: number[];
  maxTokens: number;
  sampling: SamplingParams;
  stop: string[];
  eosTokenIds: number[];
  /** Report each answer token's log probability and this many likeliest alternatives (0-20): OpenAI's `logprobs`. */
  logprobs?: number;
  /** Report `confidence`: costs one pass over the vocabulary per token. */
  measureConfidence?: boolean;
  /** The prompt ends inside an answer being continued: decode new text as following it. */
  continuation?: boolean;
  /** Constrained decoding: only tokens that keep the output valid under this grammar are sampled. */
  grammar?: GrammarSpec;
  /** Output already written under the grammar (a continued answer): the grammar starts after it. */
  grammarPrefix?: string;
}

export interface GenerationOutcome {
  finishReason: 'stop' | 'length' | 'aborted';
  promptTokens: number;
  completionTokens: number;
  /** This request's share of the time inside session.run, in ms (a batched step is split among its rows). */
  computeMs: number;
  /** Time from start to the first generated token (prefill + first sample), in ms. */
  firstTokenMs: number;
  /** Geometric mean of the chosen tokens' probabilities (at temperature 1), when asked for. */
  confidence?: number;
  /** With a grammar: whether the output is complete under it (false when max_tokens cut it short). */
  grammarComplete?: boolean;
  /** Prompt tokens whose KV came from the prefix cache (not prefilled again). */
  cachedTokens: number;
  /** The prefix cache after this request, when there is one. */
  prefixCache?: PrefixCacheStats;
}
