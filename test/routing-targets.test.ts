import { describe, expect, it } from 'vitest';
import type { CallOptions } from '../src/backends/backend.js';
import { Dispatcher } from '../src/routing/dispatch/dispatcher.js';
import { UpstreamGate } from '../src/routing/dispatch/upstream-gate.js';
import { compilePolicy } from '../src/policy/index.js';
import { tryOrder } from '../src/routing/pool/pick-endpoint.js';
import { Targets } from '../src/routing/targets.js';
import { decisionFor, refused, ScriptedBackend } from './helpers/scripted-backend.js';

const call = (): Omit<CallOptions, 'model'> => ({ messages: [{ role: 'user', content: 'hi' }], extra: {}, signal: new AbortController().signal });

describe('named targets: the fallback order', () => {
  const backends = (edgeFails: boolean, cloudFails: boolean) => ({
    local: new ScriptedBackend('local', 'tiny', [{ answer: 'from local' }]),
    edge: new ScriptedBackend('edge', 'edge-7b', [edgeFails ? { fail: refused() } : { answer: 'from edge' }]),
    cloud: new ScriptedBackend('cloud', 'big', [cloudFails ? { fail: refused() } : { answer: 'from cloud' }]),
  });

  it('walks the configured order as a ring from the failed target, each target once', async () => {
    const b = backends(true, false);
    const dispatcher = new Dispatcher(new Targets(b, () => false, ['local', 'edge', 'cloud']), new UpstreamGate(new Map()));
    const out = await dispatcher.generate({ ...decisionFor('local'), target: 'edge', model: 'edge-7b' }, call());
    expect(out).toMatchObject({ ok: true, result: { content: 'from cloud' }, served: { target: 'cloud', fallback: { from: 'edge', to: 'cloud', cause: 'edge-connection' } } });

    const both = backends(true, true);
    const last = await new Dispatcher(new Targets(both, () => false, ['local', 'edge', 'cloud']), new UpstreamGate(new Map())).generate(
      { ...decisionFor('local'), target: 'edge', model: 'edge-7b' },
      call(),
    );
    expect(last).toMatchObject({ ok: true, result: { content: 'from local' }, served: { target: 'local', fallback: { from: 'cloud', to: 'local' } } });
    expect([both.edge.calls.length, both.cloud.calls.length, both.local.calls.length]).toEqual([1, 1, 1]);
  });

  it('a target left out of `fallback` is never fallen through to', async () => {
    const b = backends(false, true);
    const targets = new Targets(b, () => false, ['cloud', 'local']);
    const out = await new Dispatcher(targets, new UpstreamGate(new Map())).generate(decisionFor('cloud'), call());
    expect(out).toMatchObject({ ok: true, result: { content: 'from local' } });
    expect(b.edge.calls).toHaveLength(0);
  });
});

describe('pool balancing order', () => {
  it('round-robin rotates from the cursor; least-busy puts the idlest first, rotation breaking ties', () => {
    const idle = [{ inFlight: 0 }, { inFlight: 0 }, { inFlight: 0 }];
    expect(tryOrder(idle, 'round-robin', 1)).toEqual([1, 2, 0]);
    expect(tryOrder(idle, 'least-busy', 2)).toEqual([2, 0, 1]);
    expect(tryOrder([{ inFlight: 3 }, { inFlight: 1 }, { inFlight: 2 }], 'least-busy', 0)).toEqual([1, 2, 0]);
  });
});

describe('policies over named targets', () => {
  const policy = (when: string, route = 'edge') => `version: 1\nrules:\n  - name: a\n    when: ${when}\n    route: ${route}\ndefault: { route: cloud }\n`;
  const targets = ['local', 'cloud', 'edge'];

  it('checks link conditions at load: a known target, bounds ≥ 0', () => {
    expect(() => compilePolicy(policy('{ links: { egde: { online: true } } }'), 'p.yaml', { targets })).toThrow(
      'p.yaml:4:28 rules[0].when.links.egde: unknown target "egde" (did you mean "edge"?); upstream targets: cloud, edge',
    );
    expect(() => compilePolicy(policy('{ links: { edge: { rttMs: { lt: -5 } } } }'), 'p.yaml', { targets })).toThrow(
      'p.yaml:4:43 rules[0].when.links.edge.rttMs.lt: expected a number >= 0, got -5',
    );
    expect(() => compilePolicy(policy('{}'), 'p.yaml')).toThrow(/rules\[0\]\.route: expected one of "local", "cloud", "cascade", got "edge"/);
    // Checked without a targets file: the message says where pool names come from.
    expect(() => compilePolicy(policy('{ links: { edge: { online: true } } }', 'local'), 'p.yaml')).toThrow(
      `p.yaml:4:28 rules[0].when.links.edge: unknown target "edge"; upstream targets: cloud (a site's pools are named in its targets file: pass --targets FILE)`,
    );
  });
});
