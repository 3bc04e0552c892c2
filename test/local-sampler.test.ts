import { describe, expect, it } from 'vitest';
import { prefillChunkTokens } from '../src/backends/local-onnx/generation-loop.js';
import { sampleToken, seededRandom } from '../src/backends/local-onnx/sampler.js';

const logits = Float32Array.from([0.1, 3, 2.9, -1, 0.5]);
const draw = (params: { temperature: number; topP: number; topK: number }, n = 2000): Map<number, number> => {
  const random = seededRandom(42);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const t = sampleToken(logits, 0, logits.length, { ...params, seed: 42 }, random);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
};

describe('sampler', () => {
  it('temperature 0 is argmax', () => {
    expect([...draw({ temperature: 0, topP: 1, topK: 0 }, 10).keys()]).toEqual([1]);
  });
  it('top_k 2 only ever picks the two best tokens, both of them', () => {
    expect([...draw({ temperature: 1, topP: 1, topK: 2 }).keys()].sort()).toEqual([1, 2]);
  });
  it('top_p keeps the smallest set reaching p', () => {
    // p(1) ≈ 0.46 < 0.5, so the nucleus is {1, 2}
    expect([...draw({ temperature: 1, topP: 0.5, topK: 0 }).keys()].sort()).toEqual([1, 2]);
  });
  it('high temperature reaches every token', () => {
    expect(draw({ temperature: 5, topP: 1, topK: 0 }).size).toBe(5);
  });
  it('prefill chunks bound the logits of one run', () => {
    expect(prefillChunkTokens(512)).toBe(2048);
    expect(prefillChunkTokens(49152)).toBe(85);
    expect(prefillChunkTokens(151936)).toBe(32);
  });
});
