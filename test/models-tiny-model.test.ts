import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { onnx } from '../src/models/synthetic/onnx-graph-builder.js';
import { TINY_LLAMA, writeSyntheticModel } from '../src/models/synthetic/write-model-folder.js';
import { fromPackageRoot } from '../src/paths.js';

const dir = fromPackageRoot('models', 'tiny-llama');
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
  hidden_size: number; num_hidden_layers: number; num_attention_heads: number; num_key_value_heads: number;
  head_dim: number; vocab_size: number; rms_norm_eps: number; rope_theta: number;
};

/** fp32 initializers by name, read straight from the committed .onnx file. */
function readWeights(file: string): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const weights = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== 1 || !t.rawData || !t.name) continue;
    const bytes = Uint8Array.from(t.rawData);
    weights.set(t.name, new Float32Array(bytes.buffer));
  }
  return weights;
}

/**
 * An independent plain-TypeScript Llama forward pass (HF semantics: RMSNorm, rotate-half RoPE, GQA, SwiGLU),
 * written from the architecture, not from the graph builder. Returns logits [seq][vocab].
 */
function referenceForward(w: Map<string, Float32Array>, ids: number[]): number[][] {
  const { hidden_size: H, num_attention_heads: NH, num_key_value_heads: KVH, head_dim: D, vocab_size: V } = config;
  const get = (name: string): Float32Array => w.get(name) ?? (() => { throw new Error(`missing ${name}`); })();
  const matvec = (x: number[], m: Float32Array, out: number): number[] => {
    const y = new Array<number>(out).fill(0);
    for (let k = 0; k < x.length; k++) for (let n = 0; n < out; n++) y[n]! += x[k]! * m[k * out + n]!;
    return y;
  };
  const rms = (x: number[], g: Float32Array): number[] => {
    const inv = 1 / Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length + config.rms_norm_eps);
    return x.map((v, i) => v * inv * g[i]!);
  };
  const rope = (v: number[], pos: number): number[] => {
    const out = v.slice();
    for (let i = 0; i < D / 2; i++) {
      const angle = pos * config.rope_theta ** ((-2 * i) / D);
      const [a, b] = [v[i]!, v[i + D / 2]!];
      out[i] = a * Math.cos(angle) - b * Math.sin(angle);
      out[i + D / 2] = b * Math.cos(angle) + a * Math.sin(angle);
    }
    return out;
  };
  const embed = get('embed_tokens');
  let xs = ids.map((id) => Array.from(embed.subarray(id * H, (id + 1) * H)));
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `l${l}`;
    const hs = xs.map((x) => rms(x, get(`${p}.input_norm`)));
    const qs = hs.map((h, t) => { const q = matvec(h, get(`${p}.q_proj`), NH * D); return Array.from({ length: NH }, (_, i) => rope(q.slice(i * D, (i + 1) * D), t)); });
    const ks = hs.map((h, t) => { const k = matvec(h, get(`${p}.k_proj`), KVH * D); return Array.from({ length: KVH }, (_, i) => rope(k.slice(i * D, (i + 1) * D), t)); });
    const vs = hs.map((h) => { const v = matvec(h, get(`${p}.v_proj`), KVH * D); return Array.from({ length: KVH }, (_, i) => v.slice(i * D, (i + 1) * D)); });
    xs = xs.map((x, t) => {
      const ctx: number[] = [];
      for (let head = 0; head < NH; head++) {
        const kv = Math.floor(head / (NH / KVH));
        const scores = Array.from({ length: t + 1 }, (_, j) => qs[t]![head]!.reduce((s, q, d) => s + q * ks[j]![kv]![d]!, 0) / Math.sqrt(D));
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < D; d++) ctx.push(e.reduce((s, p, j) => s + (p / z) * vs[j]![kv]![d]!, 0));
      }
      const attn = matvec(ctx, get(`${p}.o_proj`), H);
      const x1 = x.map((v, i) => v + attn[i]!);
      const h2 = rms(x1, get(`${p}.post_norm`));
      const gate = matvec(h2, get(`${p}.gate_proj`), get(`${p}.gate_proj`).length / H);
      const up = matvec(h2, get(`${p}.up_proj`), gate.length);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const down = matvec(act, get(`${p}.down_proj`), H);
      return x1.map((v, i) => v + down[i]!);
    });
  }
  return xs.map((x) => matvec(rms(x, get('final_norm')), get('lm_head'), V));
}

async function ortLogits(file: string, ids: number[], split: number): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(file);
  const past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < config.num_hidden_layers; l++) {
    for (const kind of ['key', 'value']) past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, config.num_key_value_heads, 0, config.head_dim]);
  }
  const rows: Float32Array[] = [];
  // Two runs (prefill of `split` tokens, then the rest) so the KV cache path is checked too.
  for (const [from, to] of [[0, split], [split, ids.length]] as const) {
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.slice(from, to), BigInt), [1, to - from]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(to).fill(1n), [1, to]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: to - from }, (_, i) => BigInt(from + i)), [1, to - from]),
      ...past,
    });
    const logits = out['logits'] as ort.Tensor;
    const data = logits.data as Float32Array;
    for (let r = 0; r < to - from; r++) rows.push(data.slice(r * config.vocab_size, (r + 1) * config.vocab_size));
    for (let l = 0; l < config.num_hidden_layers; l++) {
      for (const kind of ['key', 'value']) past[`past_key_values.${l}.${kind}`] = out[`present.${l}.${kind}`] as ort.Tensor;
    }
  }
  await session.release();
  return rows;
}

/** MatMulNBits initializers (B [N, blocks, 16] uint8, scales [N*blocks], zero points) back to fp32 W [K, N]. */
function readDequantized(file: string): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const weights = readWeights(file);
  const raw = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', Uint8Array.from(t.rawData ?? [])]));
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'MatMulNBits') continue;
    const attr = (name: string): number => Number(node.attribute?.find((a) => a.name === name)?.i ?? 0);
    const [K, N] = [attr('K'), attr('N')];
    const [, bName, sName, zName] = node.input ?? [];
    const packed = raw.get(bName!)!;
    const scales = weights.get(sName!)!;
    const zp = raw.get(zName!)!;
    const blocks = K / 32;
    const w = new Float32Array(K * N);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const b = Math.floor(k / 32);
        const byte = packed[(n * blocks + b) * 16 + Math.floor((k % 32) / 2)]!;
        const q = k % 2 === 0 ? byte & 15 : byte >> 4;
        const zByte = zp[n * Math.ceil(blocks / 2) + (b >> 1)]!;
        const z = b % 2 === 0 ? zByte & 15 : zByte >> 4;
        w[k * N + n] = (q - z) * scales[n * blocks + b]!;
      }
    }
    weights.set(bName!.replace(/_q4$/, ''), w);
  }
  return weights;
}

const argmax = (row: ArrayLike<number>): number => Array.from(row).reduce((best, v, i, a) => (v > a[best]! ? i : best), 0);
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return dot / Math.sqrt(na * nb);
};

describe('bundled tiny-llama model', () => {
  const ids = [1, 30, 200, 270, 280, 290, 300, 17];
  const tmp = mkdtempSync(join(tmpdir(), 'tiny-llama-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the fp32 ONNX graph (prefill + KV-cache step) matches an independent TypeScript forward pass', async () => {
    const expected = referenceForward(readWeights(join(dir, 'onnx', 'model.onnx')), ids);
    const actual = await ortLogits(join(dir, 'onnx', 'model.onnx'), ids, 5);
    expect(actual).toHaveLength(ids.length);
    for (let t = 0; t < ids.length; t++) {
      const maxDiff = Math.max(...expected[t]!.map((v, i) => Math.abs(v - actual[t]![i]!)));
      expect(maxDiff).toBeLessThan(1e-3);
    }
  });

  it('the q4 graph agrees closely with fp32', async () => {
    const fp32 = await ortLogits(join(dir, 'onnx', 'model.onnx'), ids, 5);
    const q4 = await ortLogits(join(dir, 'onnx', 'model_q4.onnx'), ids, 5);
    // 4-bit weights on random (not trained) matrices: close, not equal.
    for (let t = 0; t < ids.length; t++) expect(cosine(fp32[t]!, q4[t]!)).toBeGreaterThan(0.95);
    const sameTop = fp32.filter((row, t) => argmax(row) === argmax(q4[t]!)).length;
    expect(sameTop).toBeGreaterThanOrEqual(ids.length - 2);
  });

  it('the q4 graph matches the reference forward pass on its own dequantized weights (MatMulNBits layout)', async () => {
    const expected = referenceForward(readDequantized(join(dir, 'onnx', 'model_q4.onnx')), ids);
    const actual = await ortLogits(join(dir, 'onnx', 'model_q4.onnx'), ids, 5);
    // accuracy_level 4 quantizes activations to int8 inside MatMulNBits, hence not bit-exact.
    for (let t = 0; t < ids.length; t++) expect(cosine(expected[t]!, actual[t]!)).toBeGreaterThan(0.995);
  });

  it('is regenerated byte for byte by the generator (deterministic weights)', () => {
    writeSyntheticModel(tmp, TINY_LLAMA);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_q4.onnx']) {
      expect(readFileSync(join(tmp, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
    expect(readdirSync(join(dir, 'onnx')).sort()).toEqual(['model.onnx', 'model_q4.onnx']);
  });
});
