import ort from 'onnxruntime-node';
import type { Tokenizer } from '@huggingface/tokenizers';
import { StreamDecoder } from '../../models/stream-decoder.js';
import type { GrammarEngine, TokenConstraint } from './grammar/grammar-engine.js';
import type { GrammarSpec } from './grammar/grammar-spec.js';
import { sampleToken, seededRandom, type SamplingParams } from './sampler.js';
import { StopMatcher } from './stop-matcher.js';
import type { Past, PrefixCache, PrefixCacheStats } from './prefix-cache.js';

/** What the generation loop needs to know about the loaded graph. */
export interface DecoderShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
}

/**
 * Prompt tokens per prefill run: as many as keep one run's [chunk, vocab] float32 logits near 16 MB, within
 * 32..2048. A 49k-vocab model then prefills in ~85-token chunks (a 277-token prompt peaked ~80 MB lower than
 * in one run, at the same speed); a 512-token vocabulary takes the whole prompt in one run (no extra runs on
 * tiny models). Chunks also let an abort land inside a long prefill.
 */
export function prefillChunkTokens(vocabSize: number): number {
  const logitsBudgetFloats = 4 * 1024 * 1024;
  return Math.min(2048, Math.max(32, Math.floor(logitsBudgetFloats / vocabSize)));
}

export interface GenerationRequest {
  promptIds: number[];
  maxTokens: number;
  sampling: SamplingParams;
  stop: string[];
  eosTokenIds: number[];
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
  /** Wall time inside session.run, in ms. */
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

/**
 * Greedy/sampled decoding with the KV cache: one prefill run over the prompt, then one run per token that
 * feeds `present.*` back as `past_key_values.*`. `position_ids` count from 0 over prompt + generated tokens;
 * `attention_mask` is all ones over that same length (batch of one, no padding). With a grammar, each step's
 * logits are masked to the tokens it allows before sampling (the matcher is per sequence, like the KV cache).
 */
export class GenerationLoop {
  private readonly inputNames: Set<string>;
  private readonly kvType: 'float32' | 'float16';

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly shape: DecoderShape,
    private readonly tokenizer: Tokenizer,
    /** Compiles and caches grammars for constrained requests; absent, such requests fail. */
    private readonly grammars?: GrammarEngine,
    private readonly prefillChunk: number = prefillChunkTokens(shape.vocabSize),
    /** KV caches of recent sequences; absent, every prompt is prefilled whole. */
    private readonly prefixes?: PrefixCache,
  ) {
    this.inputNames = new Set(session.inputNames);
    const kvMeta = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    this.kvType = kvMeta !== undefined && kvMeta.isTensor && kvMeta.type === 'float16' ? 'float16' : 'float32';
  }

  async run(
    request: GenerationRequest,
    onText: (text: string) => void,
    shouldAbort: () => boolean,
  ): Promise<GenerationOutcome> {
    if (request.grammar === undefined) return this.decode(request, undefined, onText, shouldAbort);
    if (this.grammars === undefined) throw new Error('constrained decoding needs a grammar engine');
    const constraint = await this.grammars.constraint(request.grammar, request.grammarPrefix ?? '');
    try {
      const outcome = await this.decode(request, constraint, onText, shouldAbort);
      outcome.grammarComplete = constraint.terminated || (outcome.finishReason !== 'aborted' && (await constraint.canEnd()));
      return outcome;
    } finally {
      constraint.dispose();
    }
  }

  /** One sequence from prompt to finish; `constraint` (per sequence) masks each step's logits. */
  private async decode(
    request: GenerationRequest,
    constraint: TokenConstraint | undefined,
    onText: (text: string) => void,
    shouldAbort: () => boolean,
  ): Promise<GenerationOutcome> {
    const started = performance.now();
    const random = seededRandom(request.sampling.seed ?? Math.floor(Math.random() * 2 ** 32));
    // A few context tokens are enough for merges and leading-space rules (as text-generation-inference does).
    const decoder = new StreamDecoder(this.tokenizer, request.continuation ? request.promptIds.slice(-5) : []);
    const stops = new StopMatcher(request.stop);
    const eos = new Set(request.eosTokenIds);
    // At least one prompt token is always run: its logits choose the first answer token.
    const reused = this.prefixes?.take(request.promptIds, request.promptIds.length - 1);
    let past = reused?.past ?? this.emptyPast();
    const cachedTokens = reused?.length ?? 0;
    /** Every token whose KV is in `past`, in order: what the prefix cache keys on. */
    const fed = request.promptIds.slice(0, cachedTokens);
    let ids = request.promptIds.slice(cachedTokens);
    let position = cachedTokens;
    let computeMs = 0;
    let firstTokenMs = 0;
    let generated = 0;
    let finishReason: GenerationOutcome['finishReason'] = 'length';
    let logProbSum = 0;
    let hitStopSequence = false;
    while (generated < request.maxTokens) {
      if (shouldAbort()) {
        finishReason = 'aborted';
        break;
      }
      let outputs: ort.InferenceSession.ReturnType | undefined;
      for (let from = 0; from < ids.length; from += this.prefillChunk) {
        if (from > 0 && shouldAbort()) break;
        const chunk = ids.slice(from, from + this.prefillChunk);
        const t0 = performance.now();
        outputs = await this.session.run(this.feeds(chunk, position, past));
        computeMs += performance.now() - t0;
        position += chunk.length;
        past = this.presentAsPast(outputs);
        for (const id of chunk) fed.push(id);
      }
      if (outputs === undefined || shouldAbort()) {
        finishReason = 'aborted';
        break;
      }
      const row = lastLogitsRow(outputs['logits'] as ort.Tensor);
      if (constraint !== undefined) await constraint.mask(row);
      const token = sampleToken(row, 0, row.length, request.sampling, random);
      // A stop token is only unmasked once the output is complete: accepting it terminates the grammar.
      constraint?.accept(token);
      if (request.measureConfidence) logProbSum += logProbability(row, token);
      if (generated === 0) firstTokenMs = performance.now() - started;
      generated++;
      if (eos.has(token)) {
        finishReason = 'stop';
        generated--; // EOS is not part of the answer's text; OpenAI does not count it either.
        break;
      }
      const step = stops.push(decoder.push(token));
      if (step.text.length > 0) onText(step.text);
      if (step.stopped) {
        finishReason = 'stop';
        hitStopSequence = true;
        break;
      }
      ids = [token];
    }
    if (!hitStopSequence && finishReason !== 'aborted') {
      // Held-back text: an incomplete character (emitted as U+FFFD) or a partial stop sequence.
      const tail = stops.push(decoder.flush());
      const rest = tail.stopped ? tail.text : tail.text + stops.flush();
      if (rest.length > 0) onText(rest);
      if (tail.stopped) finishReason = 'stop';
    }
    this.prefixes?.put(fed, past);
    const outcome: GenerationOutcome = { finishReason, promptTokens: request.promptIds.length, completionTokens: generated, computeMs, firstTokenMs, cachedTokens };
    if (this.prefixes !== undefined) outcome.prefixCache = this.prefixes.stats;
    if (request.measureConfidence && generated > 0) outcome.confidence = Math.exp(logProbSum / generated);
    return outcome;
  }

  private feeds(ids: number[], position: number, past: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
    const n = ids.length;
    const total = position + n;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      ...past,
    };
    if (this.inputNames.has('position_ids')) {
      const positions = new BigInt64Array(n);
      for (let i = 0; i < n; i++) positions[i] = BigInt(position + i);
      feeds['position_ids'] = new ort.Tensor('int64', positions, [1, n]);
    }
    return feeds;
  }

  /** Empty past: [batch, kv_heads, 0, head_dim] per layer. */
  private emptyPast(): Past {
    const past: Record<string, ort.Tensor> = {};
    const dims = [1, this.shape.kvHeads, 0, this.shape.headDim];
    for (let layer = 0; layer < this.shape.layers; layer++) {
      for (const kind of ['key', 'value']) {
        const data = this.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
        past[`past_key_values.${layer}.${kind}`] = new ort.Tensor(this.kvType, data, dims);
      }
    }
    return past;
  }

  private presentAsPast(outputs: ort.InferenceSession.ReturnType): Record<string, ort.Tensor> {
    const past: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < this.shape.layers; layer++) {
      for (const kind of ['key', 'value']) {
        past[`past_key_values.${layer}.${kind}`] = outputs[`present.${layer}.${kind}`] as ort.Tensor;
      }
    }
    return past;
  }
}

/** log softmax(logits)[token], computed stably (max-shifted log-sum-exp). */
function logProbability(logits: Float32Array, token: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[token]! - max - Math.log(sum);
}

/** The last position's logits [vocab], without a copy for float32; float16 graphs hand back raw half bits. */
function lastLogitsRow(tensor: ort.Tensor): Float32Array {
  const vocab = tensor.dims.at(-1) as number;
  const start = tensor.data.length - vocab;
  if (tensor.type === 'float32') return (tensor.data as Float32Array).subarray(start);
  if (tensor.type === 'float16') return Float32Array.from((tensor.data as Uint16Array).subarray(start), halfToFloat);
  throw new Error(`unsupported logits type ${tensor.type}`);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
