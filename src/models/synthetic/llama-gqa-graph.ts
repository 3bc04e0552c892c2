import { layerOps } from './llama-layer-ops.js';
import { GraphBuilder } from './onnx-graph-builder.js';
import { headDim, type LlamaSpec, type LlamaWeights } from './llama-spec.js';

/**
 * The same Llama decoder as llama-graph.ts (same weights, same logits), with attention as the com.microsoft
 * GroupQueryAttention op the way onnxruntime-genai exports it: inputs input_ids, seqlens_k (int32 [batch], each
 * row's total length − 1), total_sequence_length (int32 scalar, the longest row's total), past_key_values.N.*
 * [batch, kv_heads, max_sequence_length, head_dim] → logits, present.N.* of the same shape. Passing the same
 * buffer as past input and present output lets the op write the new keys in place (no copy of the cache per
 * step); each row attends to its own first seqlens_k + 1 columns, so rows of different lengths need no padding.
 * Rotary embeddings are applied by the op (positions from seqlens_k), and KV heads are shared without repeats.
 */
export function buildGqaLlamaGraph(spec: LlamaSpec, w: LlamaWeights, variant: 'fp32' | 'q4'): Uint8Array {
  const g = new GraphBuilder();
  const hd = headDim(spec);
  const kvDims = ['batch_size', spec.kvHeads, 'max_sequence_length', hd];
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('seqlens_k', 'int32', ['batch_size']);
  g.input('total_sequence_length', 'int32', []);
  for (let i = 0; i < spec.layers; i++) {
    g.input(`past_key_values.${i}.key`, 'float', kvDims);
    g.input(`past_key_values.${i}.value`, 'float', kvDims);
  }
  g.output('logits', 'float', ['batch_size', 'sequence_length', spec.vocabSize]);
  for (let i = 0; i < spec.layers; i++) {
    g.output(`present.${i}.key`, 'float', kvDims);
    g.output(`present.${i}.value`, 'float', kvDims);
  }
  const { linear, rmsNorm } = layerOps(g, spec, variant);

  // Rotary tables [max_positions, head_dim / 2], rotate-half (not interleaved), as the Concat graph computes them.
  const cos = new Float32Array(spec.maxPositions * (hd / 2));
  const sin = new Float32Array(cos.length);
  for (let p = 0; p < spec.maxPositions; p++) {
    for (let i = 0; i < hd / 2; i++) {
      const angle = p * spec.ropeTheta ** ((-2 * i) / hd);
      cos[p * (hd / 2) + i] = Math.cos(angle);
      sin[p * (hd / 2) + i] = Math.sin(angle);
    }
  }
  const cosCache = g.tensor('cos_cache', 'float', [spec.maxPositions, hd / 2], cos);
  const sinCache = g.tensor('sin_cache', 'float', [spec.maxPositions, hd / 2], sin);

  let x = g.op('Gather', [g.tensor('embed_tokens', 'float', [spec.vocabSize, spec.hiddenSize], w.embed), 'input_ids'], { axis: 0 });
  w.layers.forEach((layer, i) => {
    const p = `l${i}`;
    const h = rmsNorm(x, layer.inputNorm, `${p}.input_norm`);
    const q = linear(h, layer.q, spec.hiddenSize, spec.heads * hd, `${p}.q_proj`);
    const k = linear(h, layer.k, spec.hiddenSize, spec.kvHeads * hd, `${p}.k_proj`);
    const v = linear(h, layer.v, spec.hiddenSize, spec.kvHeads * hd, `${p}.v_proj`);
    const inputs = [q, k, v, `past_key_values.${i}.key`, `past_key_values.${i}.value`, 'seqlens_k', 'total_sequence_length', cosCache, sinCache];
    const attrs = { num_heads: spec.heads, kv_num_heads: spec.kvHeads, do_rotary: 1, rotary_interleaved: 0 };
    const names = [`${p}.attn`, `present.${i}.key`, `present.${i}.value`];
    const context = g.op('GroupQueryAttention', inputs, attrs, { names, domain: 'com.microsoft' });
    x = g.op('Add', [x, linear(context, layer.o, spec.heads * hd, spec.hiddenSize, `${p}.o_proj`)]);
    const h2 = rmsNorm(x, layer.postNorm, `${p}.post_norm`);
    const gate = linear(h2, layer.gate, spec.hiddenSize, spec.intermediateSize, `${p}.gate_proj`);
    const up = linear(h2, layer.up, spec.hiddenSize, spec.intermediateSize, `${p}.up_proj`);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, linear(act, layer.down, spec.intermediateSize, spec.hiddenSize, `${p}.down_proj`)]);
  });
  const final = rmsNorm(x, w.finalNorm, 'final_norm');
  linear(final, w.lmHead, spec.hiddenSize, spec.vocabSize, 'lm_head', 'logits');
  return g.encode();
}
