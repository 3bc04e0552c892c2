import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';

const call = (overrides: Partial<CallOptions>): CallOptions => ({
  messages: [{ role: 'user', content: 'Say hello' }],
  model: 'local',
  maxTokens: 8,
  temperature: 0,
  extra: {},
  signal: new AbortController().signal,
  ...overrides,
});

describe('local continuation and confidence (tiny model)', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama') });
    await backend.settled;
  });
  afterAll(async () => {
    await backend.close();
  });

  it('continues after an assistant prefix: only new text comes back, usage counts the whole answer', async () => {
    const fresh = await backend.generate(call({}));
    const continued = await backend.generate(call({ assistantPrefix: 'Hello there, my friend' }));
    expect(continued.content.startsWith('Hello there')).toBe(false);
    expect(continued.usage.promptTokens).toBe(fresh.usage.promptTokens);
    // The 8 new tokens plus the prefix's (as the local tokenizer counts them): the answer the client got.
    expect(continued.usage.completionTokens).toBeGreaterThan(8);
  });

  it('reports confidence in (0,1] only when asked', async () => {
    const plain = await backend.generate(call({}));
    expect(plain.confidence).toBeUndefined();
    const measured = await backend.generate(call({ wantConfidence: true }));
    expect(measured.confidence).toBeGreaterThan(0);
    expect(measured.confidence).toBeLessThanOrEqual(1);
    expect(measured.content).toBe(plain.content);
  });
});

const stories = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
const hasStories = existsSync(resolve(stories, 'config.json'));
if (!hasStories) console.warn(`stories260K continuation test skipped: ${stories} not found (real weights, not part of the repo)`);
describe.skipIf(!hasStories)('continuation on real weights (stories260K)', () => {
  it('continues a story mid-sentence exactly as uninterrupted greedy decoding would', async () => {
    const backend = createLocalBackend({ modelDir: stories, dtype: 'fp32' });
    try {
      await backend.settled;
      const result = await backend.generate(call({ messages: [{ role: 'user', content: '' }], assistantPrefix: 'Once upon a time, there was a little', maxTokens: 6 }));
      expect(result.content.startsWith(' girl named Lily')).toBe(true);
      const sure = await backend.generate(call({ messages: [{ role: 'user', content: '' }], maxTokens: 20, wantConfidence: true }));
      // A pretrained model telling its favourite story is confident; the random tiny model is not.
      expect(sure.confidence).toBeGreaterThan(0.5);
    } finally {
      await backend.close();
    }
  });
});
