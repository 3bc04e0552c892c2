import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../src/policy/compile.js';
import { defaultPolicyPath, loadPolicyFile } from '../src/policy/load.js';
import { decide } from '../src/routing/decide.js';
import { input } from './fixtures/policy/input.js';

const policy = (rules: string, extra = '') =>
  compilePolicy(`version: 1\n${extra}rules:\n${rules}\ndefault: { route: local }\n`, 'test.yaml', { thresholdForCloudShare: (s) => 1 - s });

describe('decide with the default policy', () => {
  const def = loadPolicyFile(defaultPolicyPath);

  it('names the rule, says why with the values that mattered, and carries score and signals', () => {
    const d = decide(input({ signals: { battery: { percent: 12, charging: false, timeRemainingMin: 40 } }, score: { score: 0.2, tier: 'low', task: null, reasons: [] } }), def);
    expect(d).toMatchObject({ target: 'cloud', model: 'gpt-4o', rule: 'low-battery', score: 0.2, allowFallback: true, cascade: false, maxTokensCap: null });
    expect(d.reasons).toEqual(['battery 12% (< 20%) and not charging']);
    expect(d.signals?.battery?.percent).toBe(12);
  });

  it('keeps personal data on the device with fallback forbidden, and never echoes the data', () => {
    const d = decide(input({ prompt: 'card 4111-1111-1111-1111 please', signals: { battery: { percent: 3, charging: false, timeRemainingMin: 5 } } }), def);
    expect(d).toMatchObject({ target: 'local', model: 'tiny-llama', rule: 'private-data', allowFallback: false });
    expect(d.reasons).toEqual(['personal data detected: card', 'never falls back to the cloud']);
    expect(d.reasons.join(' ')).not.toContain('4111');
  });

  it('explains the branch of an `any` that matched', () => {
    expect(decide(input({ signals: { memoryFreeMb: 200 } }), def).reasons).toEqual(['free memory 200 MB (< 300 MB)']);
    expect(decide(input({ signals: { cpuLoad: 0.97 } }), def).reasons).toEqual(['CPU load 97% (> 90%)']);
    expect(decide(input({ signals: { rttMs: 2400 } }), def).reasons).toEqual(['RTT 2400 ms (> 1500 ms)']);
  });

  it('says so when nothing matched', () => {
    expect(decide(input(), def)).toMatchObject({ target: 'local', rule: 'local-by-default', reasons: ['no rule matched (complexity 0.1, low); default route local'] });
  });

  it('includes the scorer\'s strongest reason when complexity decides', () => {
    const d = decide(input({ score: { score: 0.91, tier: 'high', task: null, reasons: [{ feature: 'proof_cues', weight: 1.2, detail: 'asks for a proof' }] } }), def);
    expect(d.rule).toBe('complex');
    expect(d.reasons).toEqual(['complexity 0.91 is high (asks for a proof)']);
  });

  it('never explains a high score with a reason that pulled it down', () => {
    // A product trial saw "complexity 0.467 is high (task math; no demanding math (a simple problem, or none))".
    const reasons = [
      { feature: 'task_math', weight: 0.9, detail: 'task math' },
      { feature: 'math_demand', weight: -0.4, detail: 'no demanding math (a simple problem, or none)' },
      { feature: 'proof_cues', weight: 0.3, detail: 'asks for a proof' },
    ];
    const high = decide(input({ score: { score: 0.47, tier: 'high', task: 'math', reasons } }), def);
    expect(high.reasons).toEqual(['complexity 0.47 is high (task math; asks for a proof)']);
    const onlyDown = decide(input({ score: { score: 0.47, tier: 'high', task: 'math', reasons: reasons.slice(0, 2) } }), def);
    expect(onlyDown.reasons).toEqual(['complexity 0.47 is high (task math)']);
  });
});

describe('decide: conditions and actions', () => {
  it('applies overrides: model, max_tokens cap, cascade, fallback', () => {
    const p = policy(
      [
        '  - name: hard',
        '    when: { complexity: { score: { gte: 0.8 } } }',
        '    route: cloud',
        '    model: gpt-4.1',
        '    maxTokens: 300',
        '  - name: medium',
        '    when: { complexity: { tier: medium } }',
        '    route: cascade',
      ].join('\n'),
      'models: { local: phi-mini }\n',
    );
    expect(decide(input({ score: { score: 0.85, tier: 'high', task: null, reasons: [] } }), p)).toMatchObject({ target: 'cloud', model: 'gpt-4.1', maxTokensCap: 300 });
    expect(decide(input({ score: { score: 0.5, tier: 'medium', task: null, reasons: [] } }), p)).toMatchObject({ target: 'local', model: 'phi-mini', cascade: true, allowFallback: true });
  });

  it('treats unknown signals as not matching either way', () => {
    const p = policy(['  - name: metered', '    when: { metered: false }', '    route: cloud', '  - name: hot', '    when: { thermal: { cpuTempC: { gt: 80 } } }', '    route: cloud'].join('\n'));
    expect(decide(input({ signals: { metered: null, thermal: null } }), p).rule).toBe('default');
    expect(decide(input({ signals: { metered: false } }), p).rule).toBe('metered');
  });

  it('supports all / any / not, tags, requested model, token counts and local state', () => {
    const p = policy(
      [
        '  - name: pinned-big',
        '    when: { model: { matches: "^gpt-4" } }',
        '    route: cloud',
        '  - name: untagged-long',
        '    when:',
        '      not: { tags: { any: [keep-local] } }',
        '      all:',
        '        - tokens: { prompt: { gt: 1000 } }',
        '        - local: { state: [loading, failed] }',
        '    route: cloud',
      ].join('\n'),
    );
    expect(decide(input({ requestedModel: 'gpt-4o' }), p)).toMatchObject({ rule: 'pinned-big', reasons: ['requested model "gpt-4o" matches /^gpt-4/'] });
    const long = { context: { promptTokens: 1500, contextWindow: 2048, fitsLocal: true }, signals: { local: { state: 'loading' as const, queueDepth: 0, queueCapacity: 8 } } };
    expect(decide(input(long), p)).toMatchObject({
      rule: 'untagged-long',
      reasons: ['prompt tokens 1500 (> 1000)', 'local model loading', 'not (tagged keep-local)'],
    });
    expect(decide(input({ ...long, tags: ['keep-local'] }), p).rule).toBe('default');
  });

  it('turns a cloud share into a threshold at load', () => {
    const p = policy('  - name: top-30\n    when: { complexity: { cloudShare: 0.3 } }\n    route: cloud');
    expect(decide(input({ score: { score: 0.71, tier: 'high', task: null, reasons: [] } }), p).rule).toBe('top-30');
    expect(decide(input({ score: { score: 0.69, tier: 'medium', task: null, reasons: [] } }), p).rule).toBe('default');
  });

  it('scans content only when the policy refers to it, and only the kinds it names', () => {
    expect(policy('  - name: a\n    when: { online: false }\n    route: local').scanPii).toBeNull();
    const p = policy(
      '  - name: staff\n    when: { content: { pii: [employee_id] } }\n    route: local',
      'detectors:\n  employee_id: { pattern: "EMP-\\\\d{6}", flags: i }\n',
    );
    expect(decide(input({ prompt: 'review for emp-123456' }), p)).toMatchObject({ rule: 'staff', reasons: ['personal data detected: employee_id'] });
    // Emails are not among the kinds this policy asked for.
    expect(decide(input({ prompt: 'mail a@b.co' }), p).rule).toBe('default');
  });

  it('takes extra detectors from code', () => {
    const p = compilePolicy('version: 1\nrules:\n  - name: t\n    when: { content: { pii: [ticket] } }\n    route: local\ndefault: { route: cloud }\n', 't.yaml', {
      detectors: [{ kind: 'ticket', pattern: /\bTCK-\d+\b/g }],
    });
    expect(decide(input({ prompt: 'see TCK-42' }), p).rule).toBe('t');
  });
});
