import type { Tokenizer } from '@huggingface/tokenizers';
import { StreamDecoder } from '../../models/stream-decoder.js';
import type { TokenLogprob } from '../backend.js';
import type { TokenConstraint } from './grammar/grammar-engine.js';
import type { GenerationOutcome, GenerationRequest } from './generation-request.js';
import type { Past } from './kv-rows.js';
import { applyPenalties, sampleToken, seededRandom, type Random } from './sampler.js';
import { StopMatcher } from './stop-matcher.js';
import { logSumExp, tokenLogprob, TokenPieces } from './token-logprobs.js';

/** Receives a sequence's answer as it becomes final: text, with the log probabilities of its tokens when asked. */
export type OnText = (text: string, logprobs?: TokenLogprob[]) => void;

/**
 * One request inside the generation loop: what it still has to prefill, its own KV (until it joins a batch),
 * and everything that turns logits into its answer — sampler, grammar matcher, detokenizer, stop sequences,
 * usage. Whatever batch it runs in, a sequence sees only its own row of logits.
 */
export class Sequence {
  readonly startedAt = performance.now();
  /** Prompt tokens whose KV came from the prefix cache. */
  readonly cachedTokens: number;
  /** Tokens not yet run through the model: the uncached prompt, then each sampled token. */
  pending: number[];
  /** Tokens whose KV exists (in `past`, or in the batch's row for this sequence). */
  readonly fed: number[];
  /** Own KV [1, kv_heads, fed.length, head_dim], while not in a batch. */
  past: Past;
  computeMs = 0;
  finishReason: GenerationOutcome['finishReason'] | undefined;
  private firstTokenMs = 0;
  private generated = 0;
  private logProbSum = 0;
  private hitStopSequence = false;
  private readonly random: Random;
  private readonly decoder: StreamDecoder;
  private readonly stops: StopMatcher;
  private readonly eos: Set<number>;
  /** With `request.logprobs`: token texts for the entries, and entries whose text is not out yet (held back). */
  private readonly pieces: TokenPieces | undefined;
  private heldLogprobs: TokenLogprob[] = [];
  /** Answer tokens so far and how often each came (for presence/frequency penalties). */
  private readonly counts = new Map<number, number>();

  constructor(
    readonly request: GenerationRequest,
    tokenizer: Tokenizer,
    reused: { length: number; past: Past } | undefined,
    emptyPast: Past,
    private readonly constraint: TokenConstraint | undefined,
    private readonly onText: OnText,
    readonly shouldAbort: () => boolean,
  ) {
    this.random = seededRandom(request.sampling.seed ?? Math.floor(Math.random() * 2 ** 32));
    // A few context tokens are enough for merges and leading-space rules (as text-generation-inference does).
    this.decoder = new StreamDecoder(tokenizer, request.continuation ? request.promptIds.slice(-5) : []);
    this.stops = new StopMatcher(request.stop);
    this.eos = new Set(request.eosTokenIds);
    this.pieces = request.logprobs === undefined ? undefined : TokenPieces.shared(tokenizer);
    this.cachedTokens = reused?.length ?? 0;
    this.past = reused?.past ?? emptyPast;
    this.fed = request.promptIds.slice(0, this.cachedTokens);
    this.pending = request.promptIds.slice(this.cachedTokens);
  }

  /**
   * Samples the next token from this sequence's logits row and handles it (EOS, text, stop sequences,
   * max_tokens). Leaves `finishReason` set when the sequence is done; otherwise the token is pending.
   */
  async accept(row: Float32Array): Promise<void> {
    const { request, constraint } = this;
    if (constraint !== undefined) await constraint.mask(row);
    applyPenalties(row, this.counts, request.sampling);
    const token = sampleToken(row, 0, row.length, request.sampling, this.random);
    // A stop token is only unmasked once the output is complete: accepting it terminates the grammar.
    constraint?.accept(token);
    const lse = request.measureConfidence || this.pieces !== undefined ? logSumExp(row) : 0;
    if (this.generated === 0) this.firstTokenMs = performance.now() - this.startedAt;
    this.generated++;
    if (this.eos.has(token)) {
      this.generated--; // EOS is not part of the answer's text; OpenAI does not count it either.
      return this.end('stop');
    }
    // Confidence is the geometric mean over the answer's tokens (those its logprobs list): EOS is left out of it too.
    if (request.measureConfidence) this.logProbSum += row[token]! - lse;
    this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
    if (this.pieces !== undefined) this.heldLogprobs.push(tokenLogprob(row, token, request.logprobs ?? 0, this.pieces, lse));
    const step = this.stops.push(this.decoder.push(token));
    if (step.text.length > 0) this.emit(step.text);
    if (step.stopped) {
      this.hitStopSequence = true;
      return this.end('stop');
    }
    if (this.generated >= request.maxTokens) return this.end('length');
    this.pending = [token];
  }

  /** Ends the sequence; unless aborted or stopped by a stop sequence, held-back text is emitted first. */
  end(reason: GenerationOutcome['finishReason']): void {
    this.finishReason = reason;
    this.pending = [];
    if (this.hitStopSequence || reason === 'aborted') return;
    // Held-back text: an incomplete character (emitted as U+FFFD) or a partial stop sequence.
    const tail = this.stops.push(this.decoder.flush());
    const rest = tail.stopped ? tail.text : tail.text + this.stops.flush();
    if (rest.length > 0 || this.heldLogprobs.length > 0) this.emit(rest);
    if (tail.stopped) this.finishReason = 'stop';
  }

  /** Text that became final, with the entries of the tokens held back until it did (a stop sequence's are never sent). */
  private emit(text: string): void {
    if (this.heldLogprobs.length === 0) return this.onText(text);
    const logprobs = this.heldLogprobs;
    this.heldLogprobs = [];
    this.onText(text, logprobs);
  }

  async outcome(): Promise<GenerationOutcome> {
    const { request, constraint } = this;
    const outcome: GenerationOutcome = {
      finishReason: this.finishReason ?? 'aborted',
      promptTokens: request.promptIds.length,
      completionTokens: this.generated,
      computeMs: this.computeMs,
      firstTokenMs: this.firstTokenMs,
      cachedTokens: this.cachedTokens,
    };
    // An empty answer (the model ended at once) has nothing to be sure of: 0, so a cascade escalates it.
    if (request.measureConfidence) outcome.confidence = this.generated > 0 ? Math.exp(this.logProbSum / this.generated) : 0;
    if (constraint !== undefined) {
      outcome.grammarComplete = constraint.terminated || (outcome.finishReason !== 'aborted' && (await constraint.canEnd()));
    }
    return outcome;
  }

}
