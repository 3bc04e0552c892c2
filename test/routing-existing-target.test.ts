import { describe, expect, it } from 'vitest';
import { toExistingTarget } from '../src/routing/existing-target.js';
import { decision } from './ops-fixtures.js';

const models = { local: 'tiny-llama', cloud: 'gpt-4o-mini' };

describe('decisions only name targets that exist', () => {
  it('a decision for a missing upstream moves to the device, and one for a missing local model to the upstream', () => {
    const cloud = decision({ target: 'cloud', model: 'gpt-4o', reasons: ['battery 8% (< 20%) and not charging'] });
    expect(toExistingTarget(cloud, { local: true, cloud: false }, models)).toMatchObject({
      target: 'local',
      model: 'tiny-llama',
      reasons: ['battery 8% (< 20%) and not charging', 'no upstream is configured, so the device answers'],
    });
    expect(toExistingTarget(decision(), { local: false, cloud: true }, models)).toMatchObject({
      target: 'cloud',
      model: 'gpt-4o-mini',
      reasons: ['score 0.12 < 0.4', 'no local model is configured, so the upstream answers'],
    });
  });

  it('a cascade with nothing to escalate to is a plain local answer; a rule that forbids the other side keeps its target', () => {
    expect(toExistingTarget(decision({ cascade: true }), { local: true, cloud: false }, models)).toMatchObject({ target: 'local', cascade: false });
    const privateRule = decision({ target: 'local', allowFallback: false });
    expect(toExistingTarget(privateRule, { local: false, cloud: true }, models)).toBe(privateRule);
    const both = decision({ target: 'cloud' });
    expect(toExistingTarget(both, { local: true, cloud: true }, models)).toBe(both);
  });
});

describe('decisions only name targets that exist, over a site’s named targets', () => {
  const site = { local: 'tiny-llama', cloud: 'gpt-4o-mini', edge: 'qwen2.5-7b' };

  it('a decision for a missing target walks the configured fallback order to the next one that exists', () => {
    const toEdge = decision({ target: 'edge', model: 'qwen2.5-7b' });
    expect(toExistingTarget(toEdge, { local: true, edge: false, cloud: true }, site, ['edge', 'cloud', 'local'])).toMatchObject({
      target: 'cloud',
      model: 'gpt-4o-mini',
      reasons: ['score 0.12 < 0.4', 'no target "edge" is configured, so the upstream answers'],
    });
    const toCloud = decision({ target: 'cloud', model: 'gpt-4o' });
    expect(toExistingTarget(toCloud, { local: false, edge: true, cloud: false }, site, ['local', 'edge', 'cloud'])).toMatchObject({
      target: 'edge',
      model: 'qwen2.5-7b',
      reasons: ['score 0.12 < 0.4', 'no upstream is configured, so target "edge" answers'],
    });
  });

  it('an existing named target is kept, and so is a missing one whose rule forbids fallback', () => {
    const toEdge = decision({ target: 'edge', model: 'qwen2.5-7b' });
    expect(toExistingTarget(toEdge, { local: true, edge: true, cloud: false }, site, ['local', 'edge', 'cloud'])).toBe(toEdge);
    const pinned = decision({ target: 'edge', allowFallback: false });
    expect(toExistingTarget(pinned, { local: true, edge: false, cloud: true }, site, ['local', 'edge', 'cloud'])).toBe(pinned);
  });
});
