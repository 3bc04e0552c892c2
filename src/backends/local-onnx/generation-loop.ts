import ort from 'onnxruntime-node';
import type { Tokenizer } from '@huggingface/tokenizers';
import { DecodeBatch } from './decode-batch.js';
import type { GrammarEngine } from './grammar/grammar-engine.js';
import type { DecoderShape, GenerationOutcome, GenerationRequest } from './generation-request.js';
import { packRegions, type Past } from './kv-rows.js';
import type { PrefixCache } from './prefix-cache.js';
import { lastLogitsRow } from './logits-row.js';
import { Sequence, type OnText } from './sequence.js';
import { KV_HEADROOM, SharedKvBatch, sharedFetches } from './shared-kv-batch.js';

/**
 * Prompt tokens per prefill run: as many as keep one run's [chunk, vocab] float32 logits near 16 MB, within
 * 32..2048. A 49k-vocab model then prefills in ~85-token chunks (a 277-token prompt peaked ~80 MB lower than
 * in one run, at the same speed); a 512-token vocabulary takes the whole prompt in one run (no extra runs on
 * tiny models). Chunks also let an abort land inside a long prefill, and let other sequences decode between.
 */
export function prefillChunkTokens(vocabSize: number): number {
  const logitsBudgetFloats = 4 * 1024 * 1024;
  return Math.min(2048, Math.max(32, Math.floor(logitsBudgetFloats / vocabSize)));
}

interface Settler {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Greedy/sampled decoding with the KV cache for every request the worker holds at once. A new request is
 * prefilled on its own (chunk by chunk, alternating with decode steps of the others), then joins the decode
 * batch: each step runs all decoding sequences in one `session.run` (see decode-batch.ts), which reads the
 * weights once for all of them. Sequences leave as they finish; streams, stops, grammar, aborts and usage stay
 * per sequence (sequence.ts). `run` may be called concurrently; one driver loop serves all calls.
 */
export class GenerationLoop {
  private readonly kvType: 'float32' | 'float16';
  private readonly names: { past: string[]; present: string[] };
  private readonly hasPositionIds: boolean;
  /** GroupQueryAttention with past and present in one buffer (see shared-kv-batch.ts). */
  private readonly sharedKv: boolean;
  /** Waiting for (the rest of) their prompt to be run, first come first served. */
  private readonly prefilling: Sequence[] = [];
  /** Prefilled, waiting to join the batch (joins are bucketed while others still prefill). */
  private readonly ready: Sequence[] = [];
  /** Decode batches: one unless lengths differ too much to share one without wasting work on padding. */
  private batches: Array<DecodeBatch | SharedKvBatch> = [];
  private readonly settlers = new Map<Sequence, Settler>();
  private driving = false;
  /** Loop turns the ready sequences have waited to join. */
  private readyWaited = 0;

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
    const kvMeta = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    this.kvType = kvMeta?.isTensor && kvMeta.type === 'float16' ? 'float16' : 'float32';
    const layers = Array.from({ length: shape.layers }, (_, i) => i).flatMap((i) => [`${i}.key`, `${i}.value`]);
    this.names = { past: layers.map((l) => `past_key_values.${l}`), present: layers.map((l) => `present.${l}`) };
    this.hasPositionIds = session.inputNames.includes('position_ids');
    this.sharedKv = session.inputNames.includes('seqlens_k') && session.inputNames.includes('total_sequence_length');
  }

  async run(request: GenerationRequest, onText: OnText, shouldAbort: () => boolean): Promise<GenerationOutcome> {
    if (request.grammar !== undefined && this.grammars === undefined) throw new Error('constrained decoding needs a grammar engine');
    const constraint = request.grammar === undefined ? undefined : await this.grammars?.constraint(request.grammar, request.grammarPrefix ?? '');
    try {
      // At least one prompt token is always run: its logits choose the first answer token.
      const reused = this.prefixes?.take(request.promptIds, request.promptIds.length - 1);
      const sequence = new Sequence(request, this.tokenizer, reused, this.emptyPast(), constraint, onText, shouldAbort);
      if (request.maxTokens > 0) {
        await new Promise<void>((resolve, reject) => {
          this.settlers.set(sequence, { resolve, reject });
          this.prefilling.push(sequence);
          void this.drive();
        });
      } else sequence.end('length');
      const outcome = await sequence.outcome();
      if (this.prefixes !== undefined) outcome.prefixCache = this.prefixes.stats;
      return outcome;
    } finally {
      constraint?.dispose();
    }
  }

  private async drive(): Promise<void> {
    if (this.driving) return;
    this.driving = true;
    try {
      while (this.prefilling.length + this.ready.length + this.batches.length > 0) {
        for (const s of [...this.prefilling, ...this.ready, ...this.decoding()]) if (s.finishReason === undefined && s.shouldAbort()) s.end('aborted');
        const first = this.prefilling[0];
        if (first !== undefined) await this.prefillStep(first);
        this.retire([...this.ready, ...this.decoding()]);
        // Sequences done prefilling join together once nobody is prefilling, at once if nothing decodes, and
        // after a few steps at most (every join re-packs a batch's KV, so joins are bucketed).
        const join = this.prefilling.length === 0 || this.batches.length === 0 || ++this.readyWaited >= MAX_JOIN_WAIT_STEPS;
        if (join) this.readyWaited = 0;
        this.regroup(join ? this.ready.splice(0) : []);
        for (const batch of [...this.batches]) await this.decodeStep(batch);
        this.retire(this.decoding());
      }
    } finally {
      this.driving = false;
    }
  }

  /** One prefill chunk of `sequence`; after its last one, its first token is sampled. */
  private async prefillStep(sequence: Sequence): Promise<void> {
    try {
      if (sequence.finishReason === undefined) {
        const chunk = sequence.pending.slice(0, this.prefillChunk);
        const t0 = performance.now();
        let outputs: ort.InferenceSession.ReturnType;
        if (this.sharedKv) {
          // The sequence's KV goes into a fresh buffer the model appends to (cached prefixes are never written).
          const buffers = packRegions([{ past: sequence.past, row: 0, start: 0, length: sequence.fed.length }], sequence.fed.length + chunk.length + KV_HEADROOM, 'left');
          outputs = await this.session.run(this.sharedSoloFeeds(chunk, sequence.fed.length, buffers), sharedFetches(this.names, buffers));
          sequence.past = buffers;
        } else {
          outputs = await this.session.run(this.soloFeeds(chunk, sequence.fed.length, sequence.past));
          sequence.past = this.presentAsPast(outputs);
        }
        sequence.computeMs += performance.now() - t0;
        sequence.fed.push(...chunk);
        sequence.pending = sequence.pending.slice(chunk.length);
        if (sequence.pending.length > 0) return;
        if (sequence.shouldAbort()) sequence.end('aborted');
        else await sequence.accept(lastLogitsRow(outputs['logits'] as ort.Tensor, 0, 1));
      }
      this.prefilling.shift();
      if (sequence.finishReason === undefined) this.ready.push(sequence);
      else this.finish(sequence, sequence.past);
    } catch (err) {
      this.prefilling.shift();
      this.fail([sequence], err);
    }
  }

  private decoding(): Sequence[] {
    return this.batches.flatMap((b) => b.members);
  }

  /** Places each joining sequence in a batch whose lengths are close to its own (a new one if none is). */
  private regroup(joining: Sequence[]): void {
    const joins = new Map<DecodeBatch | SharedKvBatch, Sequence[]>(this.batches.map((b) => [b, []]));
    for (const s of joining) {
      let batch = [...joins.keys()].find((b) => fitsTogether([...b.members, ...(joins.get(b) ?? [])], s));
      if (batch === undefined) {
        batch = this.sharedKv ? new SharedKvBatch(this.names) : new DecodeBatch(this.names, this.hasPositionIds);
        joins.set(batch, []);
      }
      joins.get(batch)?.push(s);
    }
    for (const [batch, join] of joins) batch.regroup(join);
    this.batches = [...joins.keys()].filter((b) => b.size > 0);
  }

  /** One decode step for every member of `batch`; the step's time is shared among them. */
  private async decodeStep(batch: DecodeBatch | SharedKvBatch): Promise<void> {
    const members = batch.members;
    let outputs: ort.InferenceSession.ReturnType;
    try {
      const t0 = performance.now();
      const feeds = batch.feeds();
      const fetches = batch.fetches();
      outputs = await (fetches === undefined ? this.session.run(feeds) : this.session.run(feeds, fetches));
      const share = (performance.now() - t0) / members.length;
      for (const s of members) s.computeMs += share;
    } catch (err) {
      this.batches.splice(this.batches.indexOf(batch), 1);
      return this.fail(members, err);
    }
    batch.advance(outputs);
    const logits = outputs['logits'] as ort.Tensor;
    for (const [i, s] of members.entries()) {
      // A sequence whose grammar fails fails alone; the others go on.
      await s.accept(lastLogitsRow(logits, i, members.length)).catch((err: unknown) => this.fail([s], err));
    }
  }

  /** Settles finished sequences among `candidates` (their KV goes to the prefix cache first). */
  private retire(candidates: Sequence[]): void {
    for (const s of candidates) {
      if (s.finishReason === undefined || !this.settlers.has(s)) continue;
      const batch = this.batches.find((b) => b.members.includes(s));
      if (batch === undefined) this.ready.splice(this.ready.indexOf(s), 1);
      this.finish(s, batch !== undefined && this.prefixes !== undefined ? batch.kvOf(s) : s.past);
    }
  }

  private finish(sequence: Sequence, kv: Past): void {
    this.prefixes?.put(sequence.fed, kv);
    this.settlers.get(sequence)?.resolve();
    this.settlers.delete(sequence);
  }

  private fail(sequences: Sequence[], err: unknown): void {
    for (const s of sequences) {
      s.finishReason ??= 'aborted';
      this.settlers.get(s)?.reject(err);
      this.settlers.delete(s);
    }
  }

  private soloFeeds(ids: number[], position: number, past: Past): Record<string, ort.Tensor> {
    const n = ids.length;
    const total = position + n;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      ...past,
    };
    if (this.hasPositionIds) {
      const positions = new BigInt64Array(n);
      for (let i = 0; i < n; i++) positions[i] = BigInt(position + i);
      feeds['position_ids'] = new ort.Tensor('int64', positions, [1, n]);
    }
    return feeds;
  }

  /** A prefill chunk for a GroupQueryAttention model: positions come from `seqlens_k` (total length − 1). */
  private sharedSoloFeeds(ids: number[], position: number, buffers: Past): Record<string, ort.Tensor> {
    const total = position + ids.length;
    return {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      seqlens_k: new ort.Tensor('int32', Int32Array.of(total - 1), [1]),
      total_sequence_length: new ort.Tensor('int32', Int32Array.of(total), []),
      ...buffers,
    };
  }

  /** Empty past: [1, kv_heads, 0, head_dim] per layer. */
  private emptyPast(): Past {
    const past: Past = {};
    const dims = [1, this.shape.kvHeads, 0, this.shape.headDim];
    for (const name of this.names.past) {
      const data = this.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
      past[name] = new ort.Tensor(this.kvType, data, dims);
    }
    return past;
  }

  private presentAsPast(outputs: ort.InferenceSession.ReturnType): Past {
    const past: Past = {};
    this.names.past.forEach((name, i) => (past[name] = outputs[this.names.present[i] as string] as ort.Tensor));
    return past;
  }
}

/**
 * Whether `joining` may decode in one batch with `members`: rows are padded to the longest, and attention and
 * the KV copies inside the graph cost per padded column, so lengths must stay within 2× (+64 tokens, below which
 * padding costs little next to the weights). A 1,000-token chat and seven short questions thus decode as two
 * batches, not as eight rows of 1,000.
 */
function fitsTogether(members: Sequence[], joining: Sequence): boolean {
  if (members.length >= MAX_BATCH_ROWS) return false;
  const lengths = [...members, joining].map((s) => s.fed.length);
  return Math.max(...lengths) <= 2 * Math.min(...lengths) + 64;
}

/** Loop turns a prefilled sequence waits for others to finish prefilling before it joins anyway. */
const MAX_JOIN_WAIT_STEPS = 4;

/** Rows in one batch at most (the main thread's queue admits no more than this at once by default). */
const MAX_BATCH_ROWS = 8;
