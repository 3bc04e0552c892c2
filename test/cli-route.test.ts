import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
    expect(JSON.parse(plain.stdout)).toMatchObject({ target: 'local', rule: 'local-by-default' });

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
