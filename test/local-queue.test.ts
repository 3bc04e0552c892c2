import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import { SwitchyardError } from '../src/backends/errors.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';

const call = (overrides: Partial<CallOptions> = {}): CallOptions => ({
  messages: [{ role: 'user', content: 'Say hello' }],
  model: 'tiny-llama',
  maxTokens: 40,
  temperature: 0,
  extra: {},
  signal: new AbortController().signal,
  ...overrides,
});

describe('local backend: queue, window and request options', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama'), queueCapacity: 3 });
    expect(backend.health().state).toBe('loading');
    await backend.settled;
  });
  afterAll(async () => {
    await backend.close();
  });

  it('twelve concurrent clients are all answered or cleanly told 429 with Retry-After', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => backend.generate(call())));
    const answered = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(answered.length).toBe(11); // eight decoding together + three waiting
    expect(refused).toHaveLength(1);
    for (const err of refused) {
      expect(err).toBeInstanceOf(SwitchyardError);
      expect((err as SwitchyardError).status).toBe(429);
      expect((err as SwitchyardError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    const texts = new Set(answered.map((r) => (r.status === 'fulfilled' ? r.value.content : '')));
    expect(texts.size).toBe(1); // deterministic at temperature 0
    expect(backend.health().queueDepth).toBe(0);
  });

  it('reports queue depth while requests wait', async () => {
    const pending = [backend.generate(call()), backend.generate(call())];
    expect(backend.health()).toMatchObject({ queueDepth: 2, queueCapacity: 3, state: 'ready', contextWindow: 1024 });
    await Promise.all(pending);
  });

  it('a request aborted while queued leaves the queue', async () => {
    const controller = new AbortController();
    const first = backend.generate(call({ maxTokens: 100 }));
    const queued = backend.generate(call({ signal: controller.signal }));
    controller.abort();
    await expect(queued).rejects.toMatchObject({ kind: 'aborted' });
    await first;
  });

  it('refuses a prompt that does not fit the window instead of truncating it', async () => {
    const long = 'hello '.repeat(2000);
    const measured = backend.measure([{ role: 'user', content: long }], 16);
    expect(measured.fits).toBe(false);
    expect(measured.contextWindow).toBe(1024);
    expect(measured.promptTokens).toBeGreaterThan(1024);
    await expect(backend.generate(call({ messages: [{ role: 'user', content: long }] }))).rejects.toMatchObject({
      kind: 'context-length',
      status: 400,
      code: 'context_length_exceeded',
    });
    const fitsButMaxTokensDoesNot = call({ maxTokens: 1024 });
    await expect(backend.generate(fitsButMaxTokensDoesNot)).rejects.toMatchObject({ kind: 'context-length' });
  });

  it('measure() counts the chat-templated prompt', () => {
    const short = backend.measure([{ role: 'user', content: 'Say hello' }], 10);
    const longer = backend.measure([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], 10);
    expect(short.fits).toBe(true);
    expect(longer.promptTokens).toBeGreaterThan(short.promptTokens);
  });

  it('answers a request whose tools it was not given (tool_choice "none") in text, with no warning', async () => {
    const result = await backend.generate(call({ maxTokens: 3, tools: [{ name: 'f', parameters: {} }], toolChoice: 'none' }));
    expect(result.content.length).toBeGreaterThan(0);
    expect(result.toolCalls).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('stop sequences end the answer before the sequence', async () => {
    const full = await backend.generate(call({ maxTokens: 20 }));
    const stop = full.content.slice(3, 5);
    const stopped = await backend.generate(call({ maxTokens: 20, stop: [stop] }));
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.content).toBe(full.content.slice(0, full.content.indexOf(stop)));
  });

  it('sampling with a seed is reproducible, and differs from greedy', async () => {
    const sampled = (seed: number) => backend.generate(call({ temperature: 1.5, topP: 0.95, seed, maxTokens: 20 }));
    const a = await sampled(7);
    const b = await sampled(7);
    const greedy = await backend.generate(call({ maxTokens: 20 }));
    expect(a.content).toBe(b.content);
    expect(a.content).not.toBe(greedy.content);
  });
});

describe('local backend: load failures', () => {
  it('reports failed with a reason, and refuses requests as unavailable', async () => {
    const backend = createLocalBackend({ modelDir: '/nonexistent/model' });
    await backend.settled;
    expect(backend.health().state).toBe('failed');
    expect(backend.health().detail).toMatch(/not a model folder/);
    expect(backend.health().models).toEqual([]);
    await expect(backend.generate(call())).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    await expect(backend.stream(call())[Symbol.asyncIterator]().next()).rejects.toMatchObject({ kind: 'unavailable' });
    await backend.close();
  });
});
