import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PrefixCache, type Past } from '../src/backends/local-onnx/prefix-cache.js';

/** A one-layer past [1, 2 heads, n, 2 dims] whose values say (head, position, dim). */
function past(n: number): Past {
  const data = new Float32Array(2 * n * 2);
  for (let h = 0; h < 2; h++) for (let t = 0; t < n; t++) for (let d = 0; d < 2; d++) data[(h * n + t) * 2 + d] = h * 1000 + t * 10 + d;
  return { 'past_key_values.0.key': new ort.Tensor('float32', data, [1, 2, n, 2]) };
}

describe('prefix cache', () => {
  it('finds the longest shared prefix and cuts the KV to it, per head', () => {
    const cache = new PrefixCache(1 << 20);
    cache.put([1, 2, 3, 4, 5], past(5));
    const hit = cache.take([1, 2, 3, 9], 3)!;
    expect(hit.length).toBe(3);
    const t = hit.past['past_key_values.0.key']!;
    expect(t.dims).toEqual([1, 2, 3, 2]);
    expect(Array.from(t.data as Float32Array)).toEqual([0, 1, 10, 11, 20, 21, 1000, 1001, 1010, 1011, 1020, 1021]);
    expect(cache.take([7, 8], 1)).toBeUndefined();
  });

  it('drops entries a longer sequence extends, and the least recently used past its budget', () => {
    const entryBytes = 2 * 4 * 2 * 4; // 4 tokens
    const cache = new PrefixCache(2 * entryBytes);
    cache.put([1, 2], past(2));
    cache.put([1, 2, 3, 4], past(4)); // extends [1, 2]: replaces it
    expect(cache.stats.entries).toBe(1);
    cache.put([5, 6, 7, 8], past(4));
    cache.take([1, 2, 3, 4, 0], 4); // [1, 2, 3, 4] is now the most recently used
    cache.put([9, 9, 9, 9], past(4));
    expect(cache.stats.entries).toBe(2);
    expect(cache.take([5, 6, 7, 8], 4)).toBeUndefined();
    expect(cache.take([1, 2, 3, 4], 4)?.length).toBe(4);
  });

  it('shrinks at once when memory runs low', () => {
    const cache = new PrefixCache(1 << 20);
    cache.put([1, 2, 3, 4], past(4));
    cache.resize(0);
    expect(cache.stats).toEqual({ entries: 0, bytes: 0, budgetBytes: 0 });
  });
});
