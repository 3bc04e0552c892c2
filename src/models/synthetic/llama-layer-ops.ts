import type { GraphBuilder } from './onnx-graph-builder.js';
import type { LlamaSpec } from './llama-spec.js';
import { quantizeQ4 } from './quantize-q4.js';

/** The linear layers (fp32 MatMul or 4-bit MatMulNBits) and RMSNorm shared by both attention variants. */
export function layerOps(g: GraphBuilder, spec: LlamaSpec, variant: 'fp32' | 'q4') {
  const eps = g.scalarFloat('rms_eps', spec.rmsNormEps);
  const linear = (x: string, weights: Float32Array, k: number, n: number, name: string, output?: string): string => {
    const out = output === undefined ? {} : { output };
    if (variant === 'fp32') return g.op('MatMul', [x, g.tensor(name, 'float', [k, n], weights)], {}, out);
    const q = quantizeQ4(weights, k, n);
    const inputs = [
      x,
      g.tensor(`${name}_q4`, 'uint8', [n, q.blocks, 16], q.packed),
      g.tensor(`${name}_scales`, 'float', [n * q.blocks], q.scales),
      g.tensor(`${name}_zp`, 'uint8', [q.zeroPoints.length], q.zeroPoints),
    ];
    return g.op('MatMulNBits', inputs, { K: k, N: n, bits: 4, block_size: 32, accuracy_level: 4 }, { ...out, domain: 'com.microsoft' });
  };
  const rmsNorm = (x: string, weight: Float32Array, name: string): string => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSquare, eps])])]);
    return g.op('Mul', [normed, g.tensor(name, 'float', [spec.hiddenSize], weight)]);
  };
  return { linear, rmsNorm };
}
