import ort from 'onnxruntime-node';
import { packRegions, type KvRegion, type Past } from './kv-rows.js';
import type { Sequence } from './sequence.js';

/**
 * Free KV columns a fixed buffer keeps beyond its longest row: the buffer is re-allocated (one copy) every this
 * many steps. onnxruntime-node 1.30 copies every fetched output into a new JS buffer after a run, so a buffer
 * as long as the model's context would cost a copy of that size per step; a short headroom keeps it near the
 * longest row.
 */
export const KV_HEADROOM = 32;

/**
 * A decode batch for models with com.microsoft GroupQueryAttention and a past/present buffer they share
 * (inputs `seqlens_k`, `total_sequence_length`, as onnxruntime-genai exports them). Every `past_key_values.*`
 * is one fixed buffer [rows, kv_heads, capacity, head_dim] passed both as input and as pre-allocated `present.*`
 * output, so the model appends each step's keys in place instead of copying the cache. Row i holds member i's KV
 * left-aligned in its first fed.length columns; `seqlens_k` tells the model each row's own length, so rows need
 * no padding and a row's logits do not depend on the others. Joins and leaves re-pack the rows into new buffers.
 */
export class SharedKvBatch {
  members: Sequence[] = [];
  private buffers: Past | undefined;
  private capacity = 0;

  constructor(private readonly names: { past: string[]; present: string[] }) {}

  get size(): number {
    return this.members.length;
  }

  /** Drops finished members and adds `joining` (each with its own KV); re-packs only if that changed anything. */
  regroup(joining: Sequence[]): void {
    const staying = this.members.filter((s) => s.finishReason === undefined);
    if (joining.length === 0 && staying.length === this.members.length) return;
    const next = [...staying, ...joining];
    this.repack(next);
    for (const s of joining) s.past = {};
    this.members = next;
  }

  /** A member's own KV [1, kv_heads, length, head_dim] (a copy: the buffers are written in place). */
  kvOf(sequence: Sequence): Past {
    return packRegions([this.regionOf(sequence)], sequence.fed.length, 'left');
  }

  /** Inputs for one step: each member's pending token after its own columns. */
  feeds(): Record<string, ort.Tensor> {
    const rows = this.members.length;
    const lengths = this.members.map((s) => s.fed.length);
    const total = Math.max(...lengths) + 1;
    if (total > this.capacity) this.repack(this.members);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(this.members, (s) => BigInt(s.pending[0] as number)), [rows, 1]),
      seqlens_k: new ort.Tensor('int32', Int32Array.from(lengths), [rows]),
      total_sequence_length: new ort.Tensor('int32', Int32Array.of(total), []),
    };
    const buffers = this.buffers as Past;
    for (const name of this.names.past) feeds[name] = buffers[name] as ort.Tensor;
    return feeds;
  }

  /** The outputs to fetch: logits, and `present.*` written into the very buffers fed as past. */
  fetches(): Record<string, ort.Tensor | null> {
    return sharedFetches(this.names, this.buffers as Past);
  }

  /** After a step: the buffers already hold the new keys (the returned copies are not needed); each member's pending token is fed. */
  advance(_outputs?: ort.InferenceSession.ReturnType): void {
    for (const s of this.members) s.fed.push(s.pending.shift() as number);
  }

  private repack(next: Sequence[]): void {
    const longest = Math.max(0, ...next.map((s) => s.fed.length));
    this.capacity = longest + 1 + KV_HEADROOM;
    this.buffers = next.length === 0 ? undefined : packRegions(next.map((s) => this.regionOf(s)), this.capacity, 'left');
  }

  private regionOf(sequence: Sequence): KvRegion {
    const row = this.members.indexOf(sequence);
    const length = sequence.fed.length;
    if (row < 0) return { past: sequence.past, row: 0, start: 0, length };
    return { past: this.buffers as Past, row, start: 0, length };
  }
}

/** Fetches that make the model write `present.*` into `buffers` (the same tensors fed as `past_key_values.*`). */
export function sharedFetches(names: { past: string[]; present: string[] }, buffers: Past): Record<string, ort.Tensor | null> {
  const fetches: Record<string, ort.Tensor | null> = { logits: null };
  names.past.forEach((name, i) => (fetches[names.present[i] as string] = buffers[name] as ort.Tensor));
  return fetches;
}
