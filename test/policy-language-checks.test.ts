import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../src/policy/compile.js';
import { PolicyError } from '../src/policy/diagnostics.js';
import { runCases } from '../src/policy/cases/run-cases.js';
import { decide } from '../src/routing/decide.js';
import { bundledTierOf } from '../src/scoring/bundled-tier.js';
import { loadScorer } from '../src/scoring/index.js';
import { input } from './fixtures/policy/input.js';

const compile = (rules: string, extra = '') => compilePolicy(`version: 1\n${extra}rules:\n${rules}\ndefault: { route: local }\n`, 'p.yaml');
const errorsOf = (rules: string, extra = ''): string[] => {
  try {
    compile(rules, extra);
  } catch (err) {
    if (err instanceof PolicyError) return err.message.split('\n');
    throw err;
  }
  return [];
};

describe('signal fields are range-checked', () => {
  it('a load written as a percentage: an error with the value it meant', () => {
    expect(errorsOf('  - name: busy\n    when: { cpuLoad: { gt: 90 } }\n    route: cloud')).toEqual([
      'p.yaml:4:28 rules[0].when.cpuLoad.gt: 90 is out of range: cpuLoad (a share of all cores) runs from 0 to 1; did you mean 0.9?',
    ]);
  });

  it('every other field with a range: percent 0–100, score 0–1, no negative times, sizes or counts', () => {
    const rules = [
      'battery: { percent: { lt: 120 } }',
      'complexity: { score: { gte: 41 } }',
      'rttMs: { gt: -5 }',
      'memoryFreeMb: { lt: -1 }',
      'bandwidthMbps: { lt: -1 }',
      'local: { queueDepth: { gt: -1 } }',
      'tokens: { prompt: { gt: -1 } }',
      'battery: { timeRemainingMin: { lt: -1 } }',
    ];
    for (const when of rules) expect(errorsOf(`  - name: r\n    when: { ${when} }\n    route: cloud`), when).toHaveLength(1);
    expect(errorsOf('  - name: r\n    when: { complexity: { score: { gte: 41 } } }\n    route: cloud')[0]).toContain('did you mean 0.41?');
    expect(errorsOf('  - name: r\n    when: { battery: { percent: { lt: 20 } }, cpuLoad: 0.9, rttMs: 1500 }\n    route: cloud')).toEqual([]);
  });

  it('a percentage written as a share: an error with the value it meant', () => {
    expect(errorsOf('  - name: low\n    when: { battery: { percent: { lt: 0.2 } } }\n    route: cloud')).toEqual([
      'p.yaml:4:39 rules[0].when.battery.percent.lt: 0.2 looks like a share: battery percent runs from 0 to 100; did you mean 20?',
    ]);
  });
});

describe('a condition written at the wrong level says where it belongs', () => {
  // Mistakes a policy author made in a product trial, each with the line as it should read.
  it('a tier where the complexity mapping goes, and a nested key straight under `when`', () => {
    expect(errorsOf('  - name: hard\n    when: { complexity: high }\n    route: cloud')).toEqual([
      'p.yaml:4:25 rules[0].when.complexity: expected a mapping, got "high" (write complexity: { tier: high })',
    ]);
    expect(errorsOf('  - name: hard\n    when: { tier: high }\n    route: cloud')).toEqual([
      'p.yaml:4:13 rules[0].when.tier: unknown key "tier" (it belongs under "complexity": complexity: { tier: … })',
    ]);
    expect(errorsOf('  - name: low\n    when: { percent: { lt: 20 } }\n    route: cloud')[0]).toContain(
      'unknown key "percent" (it belongs under "battery": battery: { percent: … })',
    );
  });
});

describe('content patterns that are not personal data', () => {
  const extra = 'patterns:\n  coding: { pattern: "\\\\b(typescript|python|stack trace)\\\\b", flags: i }\n';
  const policy = compile('  - name: code-to-cloud\n    when: { content: { matches: coding } }\n    route: cloud', extra);

  it('match as "content matches", never as personal data, and never turn on the PII scan', () => {
    const d = decide(input({ prompt: 'Why does my TypeScript build fail?' }), policy);
    expect(d).toMatchObject({ rule: 'code-to-cloud', target: 'cloud', reasons: ['content matches coding'] });
    expect(d.reasons.join(' ')).not.toContain('personal data');
    expect(decide(input({ prompt: 'Tell me a story' }), policy).rule).toBe('default');
    expect(policy.scanPii).toBeNull();
  });

  it('an unknown pattern name is an error with a hint, and a PII kind points to content.pii', () => {
    expect(errorsOf('  - name: r\n    when: { content: { matches: codng } }\n    route: cloud', extra)[0]).toContain(
      'unknown pattern "codng" (did you mean "coding"?)',
    );
    expect(errorsOf('  - name: r\n    when: { content: { matches: [email] } }\n    route: cloud', extra)[0]).toContain(
      '"email" is a personal-data detector: use content.pii',
    );
  });
});

describe('one tier definition', () => {
  it("a cases file's pinned score lands in the tier the server's scorer gives it", async () => {
    const scorer = await loadScorer();
    try {
      const policy = compile('  - name: hard\n    when: { complexity: { tier: high } }\n    route: cloud');
      const [result] = await runCases(
        policy,
        'cases:\n  - name: pinned\n    prompt: hi\n    score: 0.5\n    expect: { target: cloud, rule: hard }\n',
        'c.yaml',
        {
          score: (messages) => scorer.score(messages),
        },
      );
      expect(result?.passed, result?.mismatches.join('; ')).toBe(true);
      // The server's tier for 0.5 comes from the scorer card the running service uses.
      expect(bundledTierOf(0.5)).toBe('high');
      expect(bundledTierOf(0.2)).toBe('medium');
    } finally {
      await scorer.close();
    }
  });
});
