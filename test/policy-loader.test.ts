import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicies } from '../src/policy/commands.js';
import { compilePolicy } from '../src/policy/compile.js';
import { PolicyError } from '../src/policy/diagnostics.js';
import { defaultPolicyPath, loadPolicyFile } from '../src/policy/load.js';

function errors(text: string, file = 'policies/x.yaml', options = {}): string[] {
  try {
    compilePolicy(text, file, options);
  } catch (err) {
    if (err instanceof PolicyError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected the policy to be rejected');
}

const wrap = (rules: string) => `version: 1\nrules:\n${rules}\ndefault: { route: local }\n`;

describe('policy loader diagnostics', () => {
  it('reports file:line:column, path and expectation for each mistake, with did-you-mean', () => {
    const text = readFileSync('test/fixtures/policy/typos.yaml', 'utf8');
    expect(errors(text, 'policies/x.yaml')).toEqual([
      'policies/x.yaml:9:12 rules[1].route: expected one of "local", "cloud", "cascade", got "clod" (did you mean "cloud"?)',
      'policies/x.yaml:13:18 rules[2].when.battery.percent: expected a number (or a comparison such as { lt: 20 }), got "twenty"',
      'policies/x.yaml:14:9 rules[2].when.battery.chargng: unknown key "chargng" (did you mean "charging"?)',
      'policies/x.yaml:18:14 default.maxTokens: expected a number > 0, got -5',
    ]);
  });

  it('suggests the operator for words people reach for', () => {
    expect(errors(wrap('  - name: a\n    when: { rttMs: { above: 1500 } }\n    route: local'))).toEqual([
      'policies/x.yaml:4:22 rules[0].when.rttMs.above: unknown key "above" (did you mean "gt"?)',
    ]);
  });

  it('names the bad item of a list, not the list', () => {
    expect(errors(wrap('  - name: a\n    when: { complexity: { tier: [low, hgh] } }\n    route: local'))).toEqual([
      'policies/x.yaml:4:39 rules[0].when.complexity.tier[1]: expected one of "low", "medium", "high", got "hgh" (did you mean "high"?)',
    ]);
  });

  it('suggests signal names for misspelt condition keys', () => {
    expect(errors(wrap('  - name: a\n    when: { bandwith: { lt: 1 } }\n    route: local'))[0]).toContain(
      'rules[0].when.bandwith: unknown key "bandwith" (did you mean "bandwidthMbps"?)',
    );
    expect(errors(wrap('  - name: a\n    when: { battery: { percent: { lt: 20 } }, onlin: false }\n    route: local'))[0]).toContain(
      'unknown key "onlin" (did you mean "online"?)',
    );
  });

  it('points at the parent for missing keys', () => {
    expect(errors('version: 1\nrules: []\n')).toEqual(['policies/x.yaml:1:1 default: missing; expected a mapping']);
    expect(errors(wrap('  - name: a\n    when: { online: false }'))).toEqual([
      'policies/x.yaml:3:5 rules[0].route: missing; expected one of "local", "cloud", "cascade"',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [first] = errors('version: 1\nrules:\n  - name: a\n   when: {\n');
    expect(first).toMatch(/^policies\/x\.yaml:\d+:\d+ /);
  });

  it('accepts JSON and locates errors in it too', () => {
    const policy = loadPolicyFile('test/fixtures/policy/valid.json');
    expect(policy.rules.map((r) => r.name)).toEqual(['offline', 'hard']);
    expect(errors('{\n  "version": 1,\n  "rules": [],\n  "default": { "route": "sky" }\n}', 'p.json')).toEqual([
      'p.json:4:25 default.route: expected one of "local", "cloud", "cascade", got "sky"',
      'p.json:1:1 "sky": a site\'s pools are named in its targets file; pass it with --targets FILE (serve, route, policy check, policy test)',
    ]);
  });

  it('rejects duplicate names, unreachable rules and contradictions after validation', () => {
    expect(
      errors(
        wrap(
          [
            '  - name: a',
            '    when: {}',
            '    route: local',
            '  - name: a',
            '    when: { online: false }',
            '    route: cascade',
            '    fallback: never',
          ].join('\n'),
        ),
      ),
    ).toEqual([
      'policies/x.yaml:6:11 rules[1].name: duplicate rule name "a" (first used by rules[0])',
      'policies/x.yaml:6:11 rules[1].name: unreachable: rules[0] above has an empty "when" and matches every request',
      'policies/x.yaml:9:15 rules[1].fallback: a cascade escalates to the cloud, so "fallback: never" contradicts "route: cascade"',
    ]);
  });

  it('accepts a cascade threshold only on cascades, and only between 0 and 1', () => {
    expect(errors(wrap('  - name: a\n    when: { online: true }\n    route: local\n    minConfidence: 0.7'))).toEqual([
      'policies/x.yaml:6:20 rules[0].minConfidence: "minConfidence" only applies to "route: cascade" (this rule routes local)',
    ]);
    expect(errors(wrap('  - name: a\n    when: { online: true }\n    route: cascade\n    minConfidence: 1.5'))[0]).toContain(
      'rules[0].minConfidence: expected a number < 1, got 1.5',
    );
    const policy = compilePolicy(wrap('  - name: a\n    when: { online: true }\n    route: cascade\n    minConfidence: 0.7'), 'p.yaml');
    expect(policy.rules[0]?.minConfidence).toBe(0.7);
  });

  it('lets a cascade escalate to a pool of the targets file, never to the device, and only on cascades', () => {
    const cascade = (extra: string) => wrap(`  - name: a\n    when: { online: true }\n    route: cascade\n${extra}`);
    const site = { targets: ['local', 'cloud', 'edge'] };
    expect(compilePolicy(cascade('    escalateTo: edge'), 'p.yaml', site).rules[0]?.escalateTo).toBe('edge');
    expect(compilePolicy(cascade(''), 'p.yaml', site).rules[0]?.escalateTo).toBe('cloud');
    expect(errors(cascade('    escalateTo: local'), 'policies/x.yaml', site)[0]).toContain('rules[0].escalateTo: expected one of "cloud", "edge", got "local"');
    expect(errors(wrap('  - name: a\n    when: { online: true }\n    route: local\n    escalateTo: edge'), 'policies/x.yaml', site)).toEqual([
      'policies/x.yaml:6:17 rules[0].escalateTo: "escalateTo" only applies to "route: cascade" (this rule routes local)',
    ]);
    expect(errors(cascade('    escalateTo: edge\n    fallback: never'), 'policies/x.yaml', site)).toContain(
      'policies/x.yaml:7:15 rules[0].fallback: a cascade escalates to "edge", so "fallback: never" contradicts "route: cascade"',
    );
    // Without the targets file, the pool's name says where such names come from.
    expect(errors(cascade('    escalateTo: edge')).at(-1)).toContain('"edge": a site\'s pools are named in its targets file');
  });

  it('rejects unknown personal-data kinds, bad regexes and empty comparisons', () => {
    expect(errors(wrap('  - name: a\n    when: { content: { pii: [emial] } }\n    route: local'))[0]).toContain(
      'rules[0].when.content.pii[0]: unknown personal data kind "emial" (did you mean "email"?)',
    );
    expect(errors(wrap('  - name: a\n    when: { model: { matches: "gpt-(" } }\n    route: local'))[0]).toContain(
      'rules[0].when.model.matches: invalid regular expression',
    );
    expect(errors(wrap('  - name: a\n    when: { cpuLoad: {} }\n    route: local'))[0]).toContain(
      'rules[0].when.cpuLoad: expected at least one of lt, lte, gt, gte, eq, ne',
    );
  });

  it('needs a calibrated scorer for cloudShare, and resolves it once at load', () => {
    const text = wrap('  - name: top\n    when: { complexity: { cloudShare: 0.3 } }\n    route: cloud');
    expect(errors(text, 'p.yaml', { scorerUnavailable: 'models/scorer/scorer.json: not found' })).toEqual([
      'p.yaml:4:39 rules[0].when.complexity.cloudShare: needs the calibrated scorer to turn the share into a score threshold: models/scorer/scorer.json: not found',
    ]);
    const asked: number[] = [];
    compilePolicy(text, 'p.yaml', { thresholdForCloudShare: (s) => (asked.push(s), 0.7) });
    expect(asked).toEqual([0.3]);
  });

  it('compiles every bundled policy', () => {
    const out: string[] = [];
    const code = checkPolicies(
      ['default', 'battery-saver', 'privacy-first', 'offline-first', 'cost-saver', 'quality-first'].map((n) => join('policies', `${n}.yaml`)),
      { thresholdForCloudShare: (s) => 1 - s },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(out.at(-1)).toBe('6 of 6 policy files ok');
    expect(code).toBe(0);
    expect(loadPolicyFile(defaultPolicyPath).rules).toHaveLength(8);
  });

  it('policy check exits non-zero and prints every diagnostic for a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-check-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 2\nrules: []\ndefault: { route: local }\n');
    const err: string[] = [];
    const code = checkPolicies([bad, 'policies/default.yaml'], {}, { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err).toEqual([`${bad}:1:10 version: expected 1, got 2`]);
  });
});
