import ort from 'onnxruntime-node';
import { packRegions, type Past } from './kv-rows.js';
import type { Sequence } from './sequence.js';

/**
 * The sequences that decode together: one `session.run` per step gives every member its next token's logits.
 * Row i of every tensor is member i; rows are as wide as the longest sequence, shorter ones left-padded and
 * hidden by the attention mask, and each row's `position_ids` are its own length, so a row's logits do not
 * depend on who else is in the batch. While membership stays the same, the step's `present.*` outputs are fed
 * back as they are (no copy in JS); the KV is re-packed only when a sequence joins or leaves.
 */
export class DecodeBatch {
  members: Sequence[] = [];
  /** KV columns per row: the longest member's length. */
  private width = 0;
  private past: Past | undefined;

  constructor(
    private readonly names: { past: string[]; present: string[] },
    private readonly hasPositionIds: boolean,
  ) {}

  get size(): number {
    return this.members.length;
  }

  /** Drops finished members and adds `joining` (each with its own KV); re-packs only if that changed anything. */
  regroup(joining: Sequence[]): void {
    const staying = this.members.filter((s) => s.finishReason === undefined);
    if (joining.length === 0 && staying.length === this.members.length) return;
    const next = [...staying, ...joining];
    const width = Math.max(0, ...next.map((s) => s.fed.length));
    const only = next.length === 1 ? joining[0] : undefined;
    // A sequence alone keeps its own KV as it is: batch of one, no padding, no copy.
    this.past = only !== undefined ? only.past : next.length === 0 ? undefined : packRegions(next.map((s) => this.regionOf(s)), width);
    for (const s of joining) s.past = {};
    this.members = next;
    this.width = width;
  }

  /** A member's own KV [1, kv_heads, length, head_dim] (a copy unless it is alone and unpadded). */
  kvOf(sequence: Sequence): Past {
    const length = sequence.fed.length;
    if (this.members.length === 1 && this.width === length && this.past !== undefined) return this.past;
    return packRegions([this.regionOf(sequence)], length);
  }

  /** Inputs for one step: each member's pending token at its own position, over its own columns. */
  feeds(): Record<string, ort.Tensor> {
    const rows = this.members.length;
    const total = this.width + 1;
    const ids = new BigInt64Array(rows);
    const positions = new BigInt64Array(rows);
    const mask = new BigInt64Array(rows * total);
    this.members.forEach((s, i) => {
      ids[i] = BigInt(s.pending[0] as number);
      positions[i] = BigInt(s.fed.length);
      mask.fill(1n, i * total + this.width - s.fed.length, (i + 1) * total);
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [rows, 1]),
      attention_mask: new ort.Tensor('int64', mask, [rows, total]),
    };
    if (this.hasPositionIds) feeds['position_ids'] = new ort.Tensor('int64', positions, [rows, 1]);
    const past = this.past as Past;
    this.names.past.forEach((name) => (feeds[name] = past[name] as ort.Tensor));
    return feeds;
  }

  /** Outputs to fetch: all, allocated by onnxruntime. */
  fetches(): undefined {
    return undefined;
  }

  /** After a step: the outputs become the batch's KV, and each member's pending token is fed. */
  advance(outputs: ort.InferenceSession.ReturnType): void {
    const past: Past = {};
    this.names.past.forEach((name, i) => (past[name] = outputs[this.names.present[i] as string] as ort.Tensor));
    this.past = past;
    this.width++;
    for (const s of this.members) s.fed.push(s.pending.shift() as number);
  }

  private regionOf(sequence: Sequence): { past: Past; row: number; start: number; length: number } {
    const row = this.members.indexOf(sequence);
    const length = sequence.fed.length;
    if (row < 0) return { past: sequence.past, row: 0, start: 0, length };
    return { past: this.past as Past, row, start: this.width - length, length };
  }
}
