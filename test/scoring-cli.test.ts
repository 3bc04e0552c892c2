import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../src/paths.js';
import { loadScorer, type Scorer } from '../src/scoring/index.js';

const MAIN = fromPackageRoot('src', 'cli', 'main.ts');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'score', ...args], { input, encoding: 'utf8', cwd: fromPackageRoot() });

const lines = [
  { prompt: 'hi' },
  { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Prove that √2 is irrational, step by step.' }] },
  { prompt: 'Write a haiku about rain.', id: 7 },
  { messages: [{ role: 'user', content: [{ type: 'text', text: 'How many primes are below 100? Show the sieve.' }] }] },
];
const file = join(mkdtempSync(join(tmpdir(), 'switchyard-score-')), 'prompts.jsonl');
let scorer: Scorer;

beforeAll(async () => {
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  scorer = await loadScorer();
});
afterAll(async () => {
  await scorer.close();
});

describe('switchyard score', () => {
  it('prints one 4-decimal score per input line, in order, matching the library', async () => {
    const result = run(['--input', file]);
    expect(result.status, result.stderr).toBe(0);
    const printed = result.stdout.trim().split('\n');
    expect(printed).toHaveLength(lines.length);
    expect(printed.every((p) => /^\d\.\d{4}$/.test(p))).toBe(true);
    const direct = await scorer.score([{ role: 'user', content: 'Prove that √2 is irrational, step by step.' }]);
    expect(printed[1]).toBe(direct.score.toFixed(4));
    expect(Number(printed[1])).toBeGreaterThan(Number(printed[0]));
  });

  it('reads stdin and prints score, tier and reasons with --json', () => {
    const result = run(['--json'], JSON.stringify({ prompt: 'hi' }) + '\n');
    expect(result.status, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as { score: number; tier: string; reasons: unknown[] };
    expect(body.tier).toBe('low');
    expect(body.score).toBeGreaterThan(0);
    expect(Array.isArray(body.reasons)).toBe(true);
  });

  it('rejects a bad line by number, printing nothing and exiting non-zero', () => {
    const result = run([], '{"prompt":"ok"}\n{"messages":"nope"}\n{"prompt":"also ok"}\n');
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('stdin:2');
  });

  it('refuses an empty prompt or empty input instead of scoring nothing', () => {
    for (const [args, input, why] of [[[''], undefined, 'the prompt is empty'], [['--json'], '  \n', 'stdin is empty']] as const) {
      const result = run([...args], input);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(`switchyard score: nothing to score: ${why}`);
    }
  });

  it('calibrates the threshold that sends a share of the file to the cloud', () => {
    const result = run(['--calibrate', '--cloud-share', '0.25', '--input', file]);
    expect(result.status, result.stderr).toBe(0);
    const threshold = Number(result.stdout.trim());
    const scores = run(['--input', file]).stdout.trim().split('\n').map(Number);
    expect(scores.filter((s) => s >= threshold)).toHaveLength(1);
    expect(run(['--calibrate', '--input', file]).status).not.toBe(0);
  });
});
