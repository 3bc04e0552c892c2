import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeUpstream } from './helpers/fake-upstream.js';

// An upstream is configured (the --signals file says the link is up), so decisions may name the cloud.
const withUpstream = { SWITCHYARD_UPSTREAM_URL: 'http://127.0.0.1:1/v1', OPENAI_BASE_URL: '' };
const route = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'route', ...args], { encoding: 'utf8', env: { ...process.env, ...withUpstream } });

describe('switchyard route', () => {
  const signals = join(mkdtempSync(join(tmpdir(), 'sy-route-')), 'signals.json');
  writeFileSync(
    signals,
    JSON.stringify({ online: true, rttMs: 40, bandwidthMbps: 50, battery: { percent: 90, charging: true }, cpuLoad: 0.2, memoryFreeMb: 4096 }),
  );

  // Four CLI runs: a few seconds each under a full parallel test run.
  it('shows the decision for a request that would use images, and rejects an unknown capability', { timeout: 90_000 }, () => {
    const plain = route('What is the capital of France?', '--signals', signals, '--json');
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ target: 'local', rule: 'local-by-default', language: 'en' });

    // The plain output names the language, and the english-model policy sends another one to the cloud.
    const german = route('Was ist die Hauptstadt von Frankreich?', '--signals', signals, '--policy', 'policies/english-model.yaml');
    expect(german.stdout).toContain('→ cloud');
    expect(german.stdout).toContain('rule "other-language"');
    expect(german.stdout).toContain('  language: German (de)');

    const image = route('What is in this picture?', '--signals', signals, '--uses', 'images', '--json');
    expect(JSON.parse(image.stdout)).toMatchObject({ target: 'cloud', rule: 'needs-cloud-features', reasons: ['the request uses images'] });

    const noUpstream = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'route', 'What is in this picture?', '--signals', signals, '--uses', 'images', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, SWITCHYARD_UPSTREAM_URL: '', OPENAI_BASE_URL: '', SWITCHYARD_UPSTREAM_KEY: '', OPENAI_API_KEY: '' },
      },
    );
    expect(JSON.parse(noUpstream.stdout)).toMatchObject({
      target: 'local',
      reasons: ['the request uses images', 'no upstream is configured, so the device answers'],
    });

    const typo = route('hi', '--uses', 'tool');
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('unknown tool; expected tools, images, audio, json');
  });
});

describe('switchyard route --targets', () => {
  const routeAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      // Async: the edge server below answers from this process while the CLI runs.
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'route', ...args], { env: { ...process.env, ...withUpstream } }, (err, stdout, stderr) =>
        done({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      );
    });
  const dir = mkdtempSync(join(tmpdir(), 'sy-route-targets-'));
  const targetsFile = (edgeUrl: string): string => {
    const file = join(dir, `targets-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `targets:\n  edge:\n    endpoints: [ { url: ${edgeUrl} } ]\n    model: qwen2.5-7b-instruct\nfallback: [local, edge, cloud]\n`);
    return file;
  };
  const sitePolicy = 'examples/site/edge-when-lan-fine.yaml';

  it('routes to a pool of the targets file, by its live link: edge while its server answers, the next rule once it is gone', { timeout: 90_000 }, async () => {
    const edge = await new FakeUpstream({ reply: () => 'from the edge' }).start();
    const up = targetsFile(edge.url);
    try {
      const fine = await routeAsync('hello there', '--policy', sitePolicy, '--targets', up, '--json');
      expect(fine.status).toBe(0);
      expect(JSON.parse(fine.stdout)).toMatchObject({ target: 'edge', model: 'qwen2.5-7b-instruct', rule: 'lan-fine', links: { edge: { online: true } } });
      const text = await routeAsync('hello there', '--policy', sitePolicy, '--targets', up);
      expect(text.stdout).toMatch(/link to edge: online · RTT \d+\.\d ms/);
      const pinned = await routeAsync('hello there', '--targets', up, '--model', 'edge', '--json');
      expect(JSON.parse(pinned.stdout)).toMatchObject({ target: 'edge', rule: 'pinned:edge' });
    } finally {
      await edge.close();
    }
    const gone = await routeAsync('hello there', '--policy', sitePolicy, '--targets', up, '--json');
    expect(JSON.parse(gone.stdout)).toMatchObject({ rule: expect.not.stringMatching(/^lan-fine$/), links: { edge: { online: false } } });
  });

  it('names the lines of a policy that routes to a target the run does not have, without a stack trace', { timeout: 60_000 }, async () => {
    const result = await routeAsync('hello', '--policy', sitePolicy);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${sitePolicy}:6:12 rules[0].route: expected one of "local", "cloud", "cascade", got "edge"`);
    // The usual cause is a forgotten --targets: the last line says where pool names come from.
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `${sitePolicy}:1:1 "edge": a site's pools are named in its targets file; pass it with --targets FILE (serve, route, policy check, policy test)`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the line of a bad --signals file, as `switchyard signals` does, without a stack trace', { timeout: 60_000 }, async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'sy-route-')), 'signals.yaml');
    writeFileSync(bad, 'online: true\nbatery: { percent: 10 }\n');
    const result = await routeAsync('hello', '--signals', bad);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`switchyard route: ${bad}:2: (root): Unrecognized key: "batery" (did you mean "battery"?)`);
    expect(result.stdout).toBe('');
  });
});
