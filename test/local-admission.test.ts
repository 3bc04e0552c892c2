import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import { SwitchyardError } from '../src/backends/errors.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { compilePolicy } from '../src/policy/compile.js';
import { PolicyError } from '../src/policy/diagnostics.js';
import { decide } from '../src/routing/decide.js';
import { NEUTRAL_SIGNALS } from '../src/policy/cases/baseline.js';
import { input } from './fixtures/policy/input.js';

const call = (overrides: Partial<CallOptions> = {}): CallOptions => ({
  messages: [{ role: 'user', content: 'Say hello' }],
  model: 'tiny-llama',
  maxTokens: 24,
  temperature: 0,
  extra: {},
  signal: new AbortController().signal,
  ...overrides,
});

const modelDir = fromPackageRoot('models', 'tiny-llama');

describe('local admission by expected wait', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = createLocalBackend({ modelDir, threads: 1 });
    await backend.settled;
  });
  afterAll(() => backend.close());

  it('serves a burst of sixteen concurrent requests on a fast model instead of refusing them', async () => {
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => backend.generate(call())));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const texts = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.content : '')));
    expect(texts.size).toBe(1); // deterministic at temperature 0, whatever the queue did
    const health = backend.health();
    expect(health.queueDepth).toBe(0);
    expect(health.expectedWaitMs).toBe(0);
    expect(health.waitBudgetMs).toBe(3000);
    expect(health.throughput).toMatchObject({ measured: true });
    expect(health.throughput!.decodeTokensPerSecond).toBeGreaterThan(0);
  });

  it('reports the expected wait while requests are queued', async () => {
    const pending = Array.from({ length: 11 }, () => backend.generate(call()));
    expect(backend.health().expectedWaitMs).toBeGreaterThan(0); // eight decode together, three wait
    expect(backend.health().queueDepth).toBe(11);
    await Promise.all(pending);
    expect(backend.health().expectedWaitMs).toBe(0);
  });
});

describe('local admission with a tiny wait budget', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = createLocalBackend({ modelDir, threads: 1, waitBudgetMs: 0 });
    await backend.settled;
  });
  afterAll(() => backend.close());

  it('sheds what would wait past the budget with 429 and a Retry-After, and serves the rest', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => backend.generate(call({ maxTokens: 200 }))));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // A free place in the decode batch (eight) never refuses; past it, every wait exceeds a 0 s budget.
    expect(results.slice(0, 8).map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    expect(refused).toHaveLength(4);
    for (const err of refused) {
      expect(err).toBeInstanceOf(SwitchyardError);
      expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
      expect((err as SwitchyardError).message).toMatch(/expected wait .* exceeds the 0\.0 s wait budget/);
      expect((err as SwitchyardError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    // Once idle, a request is admitted again.
    await expect(backend.generate(call())).resolves.toMatchObject({ finishReason: expect.any(String) });
  });
});

describe('policy signal local.expectedWaitMs', () => {
  const policy = (when: string) =>
    compilePolicy(`version: 1\nrules:\n  - name: device-busy\n    when: ${when}\n    route: cloud\ndefault: { route: local }\n`, 'p.yaml', {
      thresholdForCloudShare: (s) => 1 - s,
    });

  it('sends requests to the cloud when the device is backed up, and stays local when it is not', () => {
    const p = policy('{ local: { expectedWaitMs: { gt: 2000 } } }');
    const busy = decide(input({ signals: { local: { ...NEUTRAL_SIGNALS.local, expectedWaitMs: 4500 } } }), p);
    expect(busy).toMatchObject({ target: 'cloud', rule: 'device-busy' });
    expect(busy.reasons).toEqual(['local expected wait 4500 ms (> 2000 ms)']);
    expect(decide(input({ signals: { local: { ...NEUTRAL_SIGNALS.local, expectedWaitMs: 300 } } }), p).target).toBe('local');
    // Unknown (no local model to ask) never matches.
    expect(decide(input({ signals: { local: { state: 'absent', queueDepth: 0, queueCapacity: 0 } } }), p).target).toBe('local');
  });

  it('refuses a bound outside 0..1 h at load', () => {
    expect(() => policy('{ local: { expectedWaitMs: { gt: -5 } } }')).toThrow(PolicyError);
    expect(() => policy('{ local: { expectedWaitMs: { gt: 7200000 } } }')).toThrow(PolicyError);
  });
});
