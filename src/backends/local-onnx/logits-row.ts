import type ort from 'onnxruntime-node';

/**
 * Row `row` of `rows` of the last position's logits [vocab], without a copy for float32; float16 graphs hand
 * back raw half bits.
 */
export function lastLogitsRow(tensor: ort.Tensor, row: number, rows: number): Float32Array {
  const vocab = tensor.dims.at(-1) as number;
  const perRow = tensor.data.length / rows;
  const start = row * perRow + perRow - vocab;
  if (tensor.type === 'float32') return (tensor.data as Float32Array).subarray(start, start + vocab);
  if (tensor.type === 'float16') return Float32Array.from((tensor.data as Uint16Array).subarray(start, start + vocab), halfToFloat);
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
