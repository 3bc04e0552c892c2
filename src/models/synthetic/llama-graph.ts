import { buildGqaLlamaGraph } from './llama-gqa-graph.js';
import { layerOps } from './llama-layer-ops.js';
import { GraphBuilder } from './onnx-graph-builder.js';
import { headDim, type LlamaSpec, type LlamaWeights } from './llama-spec.js';

/**
 * How attention keeps its KV cache. `concat`: past + new → a fresh `present` every step, KV heads repeated
 * (Optimum-style). `gqa`: com.microsoft GroupQueryAttention over one fixed-size buffer that is past and present
 * at once (onnxruntime-genai-style), see llama-gqa-graph.ts.
 */
export type LlamaAttention = 'concat' | 'gqa';

/**
 * A Llama decoder with KV cache from standard ONNX ops (opset 17), with the inputs and outputs of
 * Optimum / onnx-community exports: input_ids, attention_mask, position_ids, past_key_values.N.key|value →
 * logits, present.N.key|value. RMSNorm, rotary embeddings (rotate-half), grouped-query attention, SwiGLU.
 * `q4` replaces every linear layer with com.microsoft MatMulNBits (4-bit, block 32); embeddings stay fp32.
 */
export function buildLlamaGraph(spec: LlamaSpec, w: LlamaWeights, variant: 'fp32' | 'q4', attention: LlamaAttention = 'concat'): Uint8Array {
  if (attention === 'gqa') return buildGqaLlamaGraph(spec, w, variant);
  const g = new GraphBuilder();
  const hd = headDim(spec);
  const kvDims = ['batch_size', spec.kvHeads, 'past_sequence_length', hd];
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  for (let i = 0; i < spec.layers; i++) {
    g.input(`past_key_values.${i}.key`, 'float', kvDims);
    g.input(`past_key_values.${i}.value`, 'float', kvDims);
  }
  g.output('logits', 'float', ['batch_size', 'sequence_length', spec.vocabSize]);
  for (let i = 0; i < spec.layers; i++) {
    g.output(`present.${i}.key`, 'float', ['batch_size', spec.kvHeads, 'total_sequence_length', hd]);
    g.output(`present.${i}.value`, 'float', ['batch_size', spec.kvHeads, 'total_sequence_length', hd]);
  }

  const axes = (name: string, values: number[]): string => g.ints(name, values);
  const axLast = axes('ax_last', [-1]);

  const { linear, rmsNorm } = layerOps(g, spec, variant);

  // Rotary tables from position_ids: angle = position × theta^(-2i/d), duplicated for the two halves.
  const invFreq = Float32Array.from({ length: hd / 2 }, (_, i) => spec.ropeTheta ** ((-2 * i) / hd));
  const positions = g.op('Unsqueeze', [g.op('Cast', ['position_ids'], { to: 1 }), axLast]);
  const freqs = g.op('Mul', [positions, g.tensor('inv_freq', 'float', [hd / 2], invFreq)]);
  const angles = g.op('Concat', [freqs, freqs], { axis: -1 });
  const axHeads = axes('ax_heads', [1]);
  const cos = g.op('Unsqueeze', [g.op('Cos', [angles]), axHeads]);
  const sin = g.op('Unsqueeze', [g.op('Sin', [angles]), axHeads]);
  const halves = g.ints('rope_halves', [hd / 2, hd / 2]);
  const rope = (x: string): string => {
    const [x1, x2] = g.opMulti('Split', [x, halves], 2, { axis: -1 }) as [string, string];
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Additive attention bias [batch, 1, seq, total]: 0 where key j ≤ query position and attention_mask is 1.
  const one = g.scalarInt('one', 1);
  const total = g.op('Gather', [g.op('Shape', ['attention_mask']), one], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', ['input_ids']), one], { axis: 0 });
  const past = g.op('Sub', [total, seq]);
  const keyPos = g.op('Range', [g.scalarInt('zero', 0), total, one]);
  const queryPos = g.op('Range', [past, total, one]);
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyPos, axes('ax0', [0])]), g.op('Unsqueeze', [queryPos, axHeads])]);
  const padding = g.op('Cast', [g.op('Unsqueeze', ['attention_mask', axes('ax12', [1, 2])])], { to: 9 });
  const bias = g.op('Where', [g.op('And', [causal, padding]), g.scalarFloat('bias_keep', 0), g.scalarFloat('bias_mask', -1e9)]);

  const toHeads = (x: string, heads: number): string =>
    g.op('Transpose', [g.op('Reshape', [x, g.ints(`shape_${heads}h`, [0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });
  const group = spec.heads / spec.kvHeads;
  const repeatKv = (x: string): string => {
    if (group === 1) return x;
    const expanded = g.op('Expand', [g.op('Unsqueeze', [x, axes(`ax2_${x}`, [2])]), g.ints(`rep_${x}`, [1, 1, group, 1, 1])]);
    return g.op('Reshape', [expanded, g.ints(`shape_rep_${x}`, [0, spec.heads, -1, hd])]);
  };
  const scale = g.scalarFloat('attn_scale', 1 / Math.sqrt(hd));

  let x = g.op('Gather', [g.tensor('embed_tokens', 'float', [spec.vocabSize, spec.hiddenSize], w.embed), 'input_ids'], { axis: 0 });
  w.layers.forEach((layer, i) => {
    const p = `l${i}`;
    const h = rmsNorm(x, layer.inputNorm, `${p}.input_norm`);
    const q = rope(toHeads(linear(h, layer.q, spec.hiddenSize, spec.heads * hd, `${p}.q_proj`), spec.heads));
    const k = rope(toHeads(linear(h, layer.k, spec.hiddenSize, spec.kvHeads * hd, `${p}.k_proj`), spec.kvHeads));
    const v = toHeads(linear(h, layer.v, spec.hiddenSize, spec.kvHeads * hd, `${p}.v_proj`), spec.kvHeads);
    const keys = g.op('Concat', [`past_key_values.${i}.key`, k], { axis: 2 }, { output: `present.${i}.key` });
    const values = g.op('Concat', [`past_key_values.${i}.value`, v], { axis: 2 }, { output: `present.${i}.value` });
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [repeatKv(keys)], { perm: [0, 1, 3, 2] })]), scale]);
    const probs = g.op('Softmax', [g.op('Add', [scores, bias])], { axis: -1 });
    const context = g.op('Transpose', [g.op('MatMul', [probs, repeatKv(values)])], { perm: [0, 2, 1, 3] });
    const merged = g.op('Reshape', [context, g.ints(`${p}.merge`, [0, 0, spec.heads * hd])]);
    x = g.op('Add', [x, linear(merged, layer.o, spec.heads * hd, spec.hiddenSize, `${p}.o_proj`)]);
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
