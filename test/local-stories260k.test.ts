import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';

/** Real pretrained weights (not part of the repo): these checks skip cleanly on a fresh clone. */
const dir = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
const present = existsSync(resolve(dir, 'config.json'));
if (!present) console.warn(`stories260K tests skipped: ${dir} not found (real weights, not part of the repo)`);

describe.skipIf(!present)('local backend on stories260K (real weights)', () => {
  const backends: LocalBackend[] = [];
  const open = async (dtype?: string): Promise<LocalBackend> => {
    const backend = createLocalBackend({ modelDir: dir, ...(dtype === undefined ? {} : { dtype }) });
    backends.push(backend);
    await backend.settled;
    expect(backend.health().state).toBe('ready');
    return backend;
  };
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });
  // An empty message in the plain format encodes to just BOS: the model tells its favourite story.
  const fromBos = (maxTokens: number): CallOptions => ({
    messages: [{ role: 'user', content: '' }],
    model: 'stories260K-onnx',
    maxTokens,
    temperature: 0,
    extra: {},
    signal: new AbortController().signal,
  });

  it('greedy from BOS (fp32) tells the known story, with usage', async () => {
    const backend = await open('fp32');
    const result = await backend.generate(fromBos(14));
    expect(result.content).toBe('Once upon a time, there was a little girl named Lily');
    expect(result.usage).toEqual({ promptTokens: 1, completionTokens: 14, cachedPromptTokens: 0 });
    expect(result.finishReason).toBe('length');
  });

  it('streamed text equals the non-streamed text', async () => {
    const backend = await open('fp32');
    const whole = await backend.generate(fromBos(60));
    let streamed = '';
    let deltas = 0;
    for await (const part of backend.stream(fromBos(60))) {
      if (part.type === 'text-delta') {
        streamed += part.text;
        deltas++;
      }
    }
    expect(streamed).toBe(whole.content);
    // The worker sends the first token at once, then what was decoded per 8 ms (text-coalescer.ts): a fast
    // model's answer arrives in a few pieces, never as one block at the end.
    expect(deltas).toBeGreaterThanOrEqual(2);
  });

  it('encodes "Once upon a time" like the reference tokenizer', async () => {
    const backend = await open('fp32');
    expect(backend.measure([{ role: 'user', content: 'Once upon a time' }]).promptTokens).toBe(5);
  });

  it('the q4 file also runs and tells a story', async () => {
    const backend = await open('q4');
    expect(backend.weights?.dtype).toBe('q4');
    const result = await backend.generate(fromBos(14));
    expect(result.content).toMatch(/^Once upon a time/);
  });

  it('picks q4 by default and warns when int8 is asked for', async () => {
    const byDefault = await open();
    expect(byDefault.weights?.dtype).toBe('q4');
    const int8 = await open('int8');
    expect(int8.weights?.warnings.join(' ')).toMatch(/VNNI/);
  });
});
