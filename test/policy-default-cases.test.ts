import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCases } from '../src/policy/cases/run-cases.js';
import { fromPackageRoot } from '../src/paths.js';
import { loadPolicyFile } from '../src/policy/load.js';

/**
 * Every bundled policy's promised behaviour, as its cases file states it. Scores are pinned in the cases,
 * so these hold whatever the scorer's exact numbers; `cloudShare` uses a stand-in calibration (share s →
 * threshold 1 − s) because the cases pin scores at the extremes.
 */
const dir = fromPackageRoot('policies');
const casesFiles = readdirSync(dir).filter((f) => f.endsWith('.cases.yaml')).sort();

describe('bundled policies pass their cases', () => {
  it('ships a cases file for every policy', () => {
    const policies = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml')).sort();
    expect(casesFiles.map((f) => f.replace('.cases.yaml', '.yaml'))).toEqual(policies);
    expect(policies).toEqual(['battery-saver.yaml', 'cost-saver.yaml', 'default.yaml', 'english-model.yaml', 'offline-first.yaml', 'privacy-first.yaml', 'quality-first.yaml', 'task-aware.yaml']);
  });

  it.each(casesFiles)('%s', async (casesFile) => {
    const policy = loadPolicyFile(`${dir}/${casesFile.replace('.cases.yaml', '.yaml')}`, { thresholdForCloudShare: (s) => 1 - s });
    const results = await runCases(policy, readFileSync(`${dir}/${casesFile}`, 'utf8'), casesFile, {
      score: () => Promise.reject(new Error('cases must pin their score')),
    });
    const failures = results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.mismatches.join('; ')} (${r.decision?.reasons.join('; ')})`);
    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThan(4);
  });
});
