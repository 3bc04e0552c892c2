import { describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import type { Decision } from '../src/routing/decision.js';
import { Dispatcher } from '../src/routing/dispatch/dispatcher.js';
import type { DispatchedPart } from '../src/routing/dispatch/served.js';
import { UpstreamGate } from '../src/routing/dispatch/upstream-gate.js';
import { Targets } from '../src/routing/targets.js';
import { CircuitBreaker } from '../src/routing/upstream-health/circuit-breaker.js';
import { decisionFor, finish, httpError, refused, ScriptedBackend, type Step } from './helpers/scripted-backend.js';

function rig(cloudSteps: Step[], localSteps: Step[] = [{ answer: 'local answer' }], threshold = 3) {
  const cloud = new ScriptedBackend('cloud', 'big', cloudSteps);
  const local = new ScriptedBackend('local', 'tiny', localSteps);
  const breaker = new CircuitBreaker({ failureThreshold: threshold, now: () => 1_000 });
  const gate = new UpstreamGate(new Map([['cloud', breaker]]));
  const targets = new Targets({ local, cloud }, (t) => gate.isOpen(t));
  const slept: number[] = [];
  const dispatcher = new Dispatcher(targets, gate, { sleep: async (ms) => void slept.push(ms) });
  return { cloud, local, breaker, dispatcher, slept };
}

const call = (): Omit<CallOptions, 'model'> => ({ messages: [{ role: 'user', content: 'hi' }], extra: {}, signal: new AbortController().signal });

async function collect(parts: AsyncIterable<DispatchedPart>): Promise<DispatchedPart[]> {
  const out: DispatchedPart[] = [];
  for await (const item of parts) out.push(item);
  return out;
}

const text = (items: DispatchedPart[]): string => items.map((i) => (i.part.type === 'text-delta' ? i.part.text : '')).join('');

describe('Dispatcher: switching targets before any output', () => {
  it('an unreachable upstream → the local model answers, the fallback is typed and counted by the breaker', async () => {
    const r = rig([{ fail: refused() }]);
    const out = await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'local answer' } });
    expect(out.served).toMatchObject({
      target: 'local',
      model: 'tiny',
      computeMs: 7,
      fallback: { cause: 'upstream-connection', from: 'cloud', to: 'local', continued: false },
    });
    expect(r.breaker.consecutiveFailures).toBe(1);
    expect(r.breaker.lastFailure).toMatchObject({ kind: 'connection', cause: 'upstream-connection' });
  });

  it('a short Retry-After is waited out on the same target; no fallback', async () => {
    const r = rig([{ fail: httpError(503, { 'retry-after-ms': '200' }) }, { answer: 'cloud answer' }]);
    const out = await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'cloud answer' }, served: { target: 'cloud', fallback: null } });
    expect(r.slept).toEqual([200]);
    expect(r.cloud.calls).toHaveLength(2);
  });

  it('a long Retry-After moves the request instead of waiting', async () => {
    const r = rig([{ fail: httpError(429, { 'retry-after': '30' }) }]);
    const out = await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(out.served).toMatchObject({ target: 'local', fallback: { cause: 'upstream-429' } });
    expect(r.slept).toEqual([]);
  });

  it('no fallback allowed: an outage is a 503 with Retry-After, and who was tried is still reported', async () => {
    const r = rig([{ fail: refused() }]);
    const out = await r.dispatcher.generate(decisionFor('cloud', { allowFallback: false }), call());
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toMatchObject({ status: 503, code: 'upstream_unavailable', retryAfterMs: 5_000 });
    expect(out.served).toMatchObject({ target: 'cloud', fallback: null });
    expect(r.local.calls).toHaveLength(0);
  });

  it('a bad request is not moved: retrying elsewhere will not fix it', async () => {
    const r = rig([{ fail: httpError(400) }]);
    const out = await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(out).toMatchObject({ ok: false, error: { kind: 'upstream-status', status: 400 } });
    expect(r.breaker.consecutiveFailures).toBe(0);
  });

  it('an open breaker skips the upstream at no cost', async () => {
    const r = rig([{ fail: refused() }], [{ answer: 'local answer' }], 1);
    await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(r.breaker.state).toBe('open');
    const out = await r.dispatcher.generate(decisionFor('local'), call());
    expect(out.served).toMatchObject({ target: 'local', fallback: null });
    const local = new ScriptedBackend('local', 'tiny', [{ fail: Object.assign(new Error('full'), { status: 429 }) }]);
    const gate = new UpstreamGate(new Map([['cloud', r.breaker]]));
    const dispatcher = new Dispatcher(new Targets({ local, cloud: r.cloud }, (t) => gate.isOpen(t)), gate);
    const moved = await dispatcher.generate(decisionFor('local'), call());
    // The local model is full and the upstream's breaker is open: nowhere to move, the 429 stands.
    expect(moved).toMatchObject({ ok: false, error: { status: 429 } });
    expect(r.cloud.calls).toHaveLength(1);
  });

  it('a request decided for the upstream while its breaker is open is answered locally, marked breaker-open', async () => {
    const r = rig([{ fail: refused() }], [{ answer: 'local answer' }], 1);
    await r.dispatcher.generate(decisionFor('cloud'), call());
    const out = await r.dispatcher.generate(decisionFor('cloud'), call());
    expect(out.served).toMatchObject({ target: 'local', fallback: { cause: 'breaker-open' } });
    expect(r.cloud.calls).toHaveLength(1);
  });
});

describe('Dispatcher: streams', () => {
  it('an upstream stream cut after output is continued locally from the text already sent', async () => {
    const r = rig([{ parts: [{ type: 'text-delta', text: 'Once upon' }, { throw: refused() }] }], [{ answer: ' a time' }]);
    const out = await collect(r.dispatcher.stream(decisionFor('cloud'), call()));
    expect(text(out)).toBe('Once upon a time');
    expect(r.local.calls[0]?.assistantPrefix).toBe('Once upon');
    expect(out.at(-1)?.part.type).toBe('finish');
    expect(out.at(-1)?.served).toMatchObject({ target: 'local', fallback: { cause: 'upstream-connection', continued: true } });
    expect(r.breaker.consecutiveFailures).toBe(1);
  });

  it('a stream that started tool calls is not continued: it ends with the error', async () => {
    const r = rig([{ parts: [{ type: 'tool-call-delta', delta: { index: 0, id: 'c1', name: 'f' } }, { throw: refused() }] }]);
    const out = await collect(r.dispatcher.stream(decisionFor('cloud'), call()));
    expect(out.at(-1)?.part).toMatchObject({ type: 'error', error: { kind: 'connection' } });
    expect(r.local.calls).toHaveLength(0);
  });

  it('a stream that cannot open anywhere ends with one error part naming who was tried', async () => {
    const r = rig([{ fail: refused() }], [{ fail: Object.assign(new Error('full'), { status: 429 }) }]);
    const out = await collect(r.dispatcher.stream(decisionFor('cloud'), call()));
    expect(out).toHaveLength(1);
    expect(out[0]?.part).toMatchObject({ type: 'error', error: { status: 429 } });
    expect(out[0]?.served.fallback).toMatchObject({ cause: 'upstream-connection', to: 'local' });
  });

  it('the finish part settles the served model', async () => {
    const r = rig([{ parts: [{ type: 'text-delta', text: 'x' }, finish('big-2024')] }]);
    const out = await collect(r.dispatcher.stream(decisionFor('cloud'), call()));
    expect(out[0]?.served.model).toBe('big');
    expect(out[1]?.served.model).toBe('big-2024');
  });
});

describe('Dispatcher: cascade', () => {
  const cascade = (overrides: Partial<Decision> = {}): Decision => decisionFor('local', { cascade: true, ...overrides });

  it('a local answer below the threshold is replaced by the cloud answer; the local compute time is kept', async () => {
    const r = rig([{ answer: 'cloud answer' }], [{ answer: 'unsure', confidence: 0.2 }]);
    const out = await r.dispatcher.generate(cascade(), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'cloud answer' } });
    expect(out.served).toMatchObject({ target: 'cloud', computeMs: 7, fallback: { cause: 'low-confidence', from: 'local', to: 'cloud' } });
    expect(r.local.calls[0]?.wantConfidence).toBe(true);
  });

  it("a rule's threshold wins: 0.2 is confident enough under minConfidence 0.1", async () => {
    const r = rig([{ answer: 'cloud answer' }], [{ answer: 'fine', confidence: 0.2 }]);
    const out = await r.dispatcher.generate(cascade({ cascadeMinConfidence: 0.1 }), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'fine' }, served: { target: 'local', fallback: null } });
  });

  it('a failed escalation keeps the local answer and says why in its warnings', async () => {
    const r = rig([{ fail: refused() }], [{ answer: 'unsure', confidence: 0.2 }]);
    const out = await r.dispatcher.generate(cascade(), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'unsure' }, served: { target: 'local', fallback: null } });
    if (out.ok) expect(out.result.warnings.join(' ')).toMatch(/could not escalate.*connection/);
    expect(r.breaker.consecutiveFailures).toBe(1);
  });

  it('streamed: the local answer is held and the cloud answer streamed instead', async () => {
    const r = rig([{ answer: 'cloud answer' }], [{ answer: 'unsure', confidence: 0.2 }]);
    const out = await collect(r.dispatcher.stream(cascade(), call()));
    expect(text(out)).toBe('cloud answer');
    expect(out.at(-1)?.served).toMatchObject({ target: 'cloud', fallback: { cause: 'low-confidence' } });
  });

  it('streamed: a confident local answer is sent as produced', async () => {
    const r = rig([{ answer: 'cloud answer' }], [{ answer: 'sure', confidence: 0.9 }]);
    const out = await collect(r.dispatcher.stream(cascade(), call()));
    expect(text(out)).toBe('sure');
    expect(r.cloud.calls).toHaveLength(0);
  });
});
