import type { Throughput } from '../backend.js';
import { Ewma } from '../../signals/ewma.js';

/** What a request will cost the model, known before it runs. */
export interface WorkCost {
  promptTokens: number;
  /** The most tokens it may generate (max_tokens, or the room left in the window). */
  maxTokens: number;
}

/** One finished generation, timed from the moment it got the model. */
export interface WorkSample {
  promptTokens: number;
  completionTokens: number;
  /** Start to first token (prefill + one step), in ms. */
  firstTokenMs: number;
  /** Start to finish, in ms. */
  totalMs: number;
}

/**
 * How long a request will hold the model, learned from real generations of this model with these threads (one
 * estimate per loaded backend). Prefill and decode are timed apart: a prompt token costs a fraction of a decoded
 * one. Before any measurement, a prior from the parameter count: ~0.3 ms per million parameters per decoded
 * token on one small CPU core (135M q4 ≈ 40 ms/token), prefill 4× cheaper per token.
 */
export class ThroughputEstimate {
  private readonly prefillMsPerToken = new Ewma(0.3);
  private readonly decodeMsPerToken = new Ewma(0.3);
  private readonly answerTokens = new Ewma(0.2);
  private readonly priorDecodeMs: number;

  constructor(parameters: number) {
    this.priorDecodeMs = Math.max(0.5, (parameters / 1e6) * 0.3);
  }

  /** Expected time on the model, in ms: prompt at the prefill rate, the likely answer at the decode rate. */
  expectedMs(cost: WorkCost): number {
    const answer = Math.min(cost.maxTokens, this.answerTokens.value ?? PRIOR_ANSWER_TOKENS);
    return cost.promptTokens * this.prefillMs() + answer * this.decodeMs();
  }

  record(sample: WorkSample): void {
    if (sample.promptTokens > 0 && sample.firstTokenMs > 0) this.prefillMsPerToken.add(sample.firstTokenMs / sample.promptTokens);
    if (sample.completionTokens > 1) this.decodeMsPerToken.add((sample.totalMs - sample.firstTokenMs) / (sample.completionTokens - 1));
    this.answerTokens.add(sample.completionTokens);
  }

  get current(): Throughput {
    return {
      prefillTokensPerSecond: round(1000 / this.prefillMs()),
      decodeTokensPerSecond: round(1000 / this.decodeMs()),
      typicalAnswerTokens: Math.round(this.answerTokens.value ?? PRIOR_ANSWER_TOKENS),
      measured: this.decodeMsPerToken.value !== null,
    };
  }

  private decodeMs(): number {
    return this.decodeMsPerToken.value ?? this.priorDecodeMs;
  }

  private prefillMs(): number {
    return this.prefillMsPerToken.value ?? this.priorDecodeMs / 4;
  }
}

/** Assumed answer length before any answer was seen, in tokens. */
const PRIOR_ANSWER_TOKENS = 64;

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
