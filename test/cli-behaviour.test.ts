import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    ...(options.input === undefined ? {} : { input: options.input }),
    env: { ...process.env, ...options.env },
  });

// These start CLI processes, a few seconds each under a full parallel test run.
describe('switchyard score takes a prompt the way a person types it', { timeout: 60_000 }, () => {
  it('as an argument, as plain text on stdin, and as JSONL: the same score', () => {
    const positional = cli(['score', 'What is 2+2?']);
    expect(positional.status, positional.stderr).toBe(0);
    const plain = cli(['score'], { input: 'What is 2+2?\n' });
    expect(plain.status, plain.stderr).toBe(0);
    const jsonl = cli(['score'], { input: '{"prompt":"What is 2+2?"}\n' });
    expect(positional.stdout).toMatch(/^\d\.\d{4}\n$/);
    expect(plain.stdout).toBe(positional.stdout);
    expect(jsonl.stdout).toBe(positional.stdout);
  });
});

describe('output into a pipe that closes early', () => {
  it.each([
    ['models', 'list'],
    ['policy', 'check', 'policies/default.yaml', 'policies/battery-saver.yaml'],
  ])('`switchyard %s … | head -1` ends quietly', (...args) => {
    const piped = spawnSync('sh', ['-c', `${process.execPath} --import tsx src/cli/main.ts ${args.join(' ')} | head -c 1`], { encoding: 'utf8' });
    expect(piped.stdout).toHaveLength(1);
    expect(piped.stderr).not.toContain('EPIPE');
  });
});

describe('switchyard models pull without a reachable hub', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-pull-'));
  // A loopback port nothing listens on: the connection is refused at once, as with no network.
  const offline = { HF_ENDPOINT: '' };
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    offline.HF_ENDPOINT = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
  });

  it('says the hub is unreachable, names HF_ENDPOINT and the local-folder route', () => {
    const result = cli(['models', 'pull', 'HuggingFaceTB/SmolLM2-135M-Instruct', '--dir', dir], { env: offline });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot reach the model hub at ${offline.HF_ENDPOINT} (ECONNREFUSED)`);
    expect(result.stderr).toContain('HF_ENDPOINT');
    expect(result.stderr).toContain('--local-model models/<name>');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('rejects a malformed repo or an unknown --dtype before any network call', () => {
    const repo = cli(['models', 'pull', 'SmolLM2', '--dir', dir], { env: offline });
    expect(repo.status).toBe(1);
    expect(repo.stderr).toContain("'SmolLM2' is not a hub repo id: expected owner/name");
    const dtype = cli(['models', 'pull', 'a/b', '--dtype', 'q8', '--dir', dir], { env: offline });
    expect(dtype.stderr).toContain('--dtype q8 is not one of q4, q4f16');
    expect(existsSync(join(dir, '.partial-b'))).toBe(false);
  });
});
