import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicies } from '../src/policy/commands.js';
import { fromPackageRoot } from '../src/paths.js';

describe('switchyard policy check over a whole folder', () => {
  it('passes every bundled policy and points cases files to `policy test` instead of failing them', () => {
    const files = readdirSync(fromPackageRoot('policies'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => fromPackageRoot('policies', f));
    const out: string[] = [];
    const err: string[] = [];
    const code = checkPolicies(files, { thresholdForCloudShare: () => 0.5 }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.filter((l) => l.includes('skipped (a cases file')).length).toBe(files.filter((f) => f.endsWith('.cases.yaml')).length);
    expect(out.at(-1)).toMatch(/^(\d+) of \1 policy files ok$/);
  });
});
