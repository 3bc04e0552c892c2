import ort from 'onnxruntime-node';

/** A KV cache: `past_key_values.*` tensors [batch, kv_heads, length, head_dim], one row per sequence. */
export type Past = Record<string, ort.Tensor>;

/** Where one sequence's KV sits: columns [start, start + length) of batch row `row` in `past`. */
export interface KvRegion {
  past: Past;
  row: number;
  start: number;
  length: number;
}

/**
 * Copies each region into row i of a new past `width` columns wide, right-aligned (left padding: the first
 * width - length columns of a row are zeros that the attention mask hides), or left-aligned (`align: 'left'`,
 * the layout of GroupQueryAttention's fixed buffers, where each row's length says how much of it counts).
 * One contiguous copy per row and head. Used when a batch's membership changes, to cut a sequence's own KV out
 * of a batch, and to cut a cached prefix short; between those, a batch feeds onnxruntime's `present.*` back as
 * they are (or lets the model write into its buffers in place).
 */
export function packRegions(regions: readonly KvRegion[], width: number, align: 'right' | 'left' = 'right'): Past {
  const first = regions[0];
  if (first === undefined) throw new Error('packRegions needs at least one region');
  const packed: Past = {};
  for (const [name, template] of Object.entries(first.past)) {
    const [, heads = 1, , dim = 1] = template.dims;
    const Data = (template.data as Float32Array | Uint16Array).constructor as Float32ArrayConstructor | Uint16ArrayConstructor;
    const out = new Data(regions.length * heads * width * dim);
    regions.forEach((region, i) => {
      const source = region.past[name] as ort.Tensor;
      const data = source.data as Float32Array | Uint16Array;
      const sourceWidth = source.dims[2] as number;
      const pad = align === 'right' ? width - region.length : 0;
      for (let h = 0; h < heads; h++) {
        const from = ((region.row * heads + h) * sourceWidth + region.start) * dim;
        out.set(data.subarray(from, from + region.length * dim), ((i * heads + h) * width + pad) * dim);
      }
    });
    packed[name] = new ort.Tensor(template.type as 'float32', out as Float32Array, [regions.length, heads, width, dim]);
  }
  return packed;
}

/** Bytes of KV held by a past. */
export function pastBytes(past: Past): number {
  return Object.values(past).reduce((sum, t) => sum + (t.data as ArrayBufferView).byteLength, 0);
}
