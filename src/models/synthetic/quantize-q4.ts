/**
 * 4-bit block quantization in the layout of onnxruntime's com.microsoft MatMulNBits (bits 4, asymmetric):
 * for W [K, N] (y = x·W), column n is split into blocks of `blockSize` along K; per block a float scale and
 * a 4-bit zero point; values packed two per byte, the even element in the low nibble.
 */
export interface Q4Weights {
  /** [N, blocks, blockSize / 2] */
  packed: Uint8Array;
  /** [N * blocks] */
  scales: Float32Array;
  /** [N * ceil(blocks / 2)] */
  zeroPoints: Uint8Array;
  blocks: number;
}

export function quantizeQ4(weights: Float32Array, k: number, n: number, blockSize = 32): Q4Weights {
  const blocks = Math.ceil(k / blockSize);
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  const zpBytes = Math.ceil(blocks / 2);
  const zeroPoints = new Uint8Array(n * zpBytes);
  const q = new Uint8Array(blockSize);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      let min = 0;
      let max = 0; // the range always includes 0 so that zero stays exact
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        const v = row < k ? (weights[row * n + col] as number) : 0;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const scale = (max - min) / 15 || 1;
      const zp = Math.min(15, Math.max(0, Math.round(-min / scale)));
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        const v = row < k ? (weights[row * n + col] as number) : 0;
        q[i] = Math.min(15, Math.max(0, Math.round(v / scale) + zp));
      }
      const base = (col * blocks + b) * (blockSize / 2);
      for (let i = 0; i < blockSize / 2; i++) packed[base + i] = (q[2 * i] as number) | ((q[2 * i + 1] as number) << 4);
      scales[col * blocks + b] = scale;
      const zpIndex = col * zpBytes + (b >> 1);
      zeroPoints[zpIndex] = (zeroPoints[zpIndex] as number) | (b % 2 === 0 ? zp : zp << 4);
    }
  }
  return { packed, scales, zeroPoints, blocks };
}
