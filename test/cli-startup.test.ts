import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { ReplicaProcess } from './helpers/replica-process.js';

interface Exit {
  status: number | null;
  stderr: string;
}

/** `switchyard serve ARGS` that must fail at start-up; killed after 60 s if it starts instead. */
function serve(...args: string[]): Promise<Exit> {
  return serveWith({}, ...args);
}

function serveWith(env: Record<string, string>, ...args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dir, ...args], {
      env: {
        ...process.env,
        SWITCHYARD_UPSTREAM_URL: '',
        OPENAI_BASE_URL: '',
        SWITCHYARD_UPSTREAM_KEY: '',
        OPENAI_API_KEY: '',
        SWITCHYARD_LOG_LEVEL: 'warn',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sy-startup-'));

/** What a user should see: the reason on one line per problem, no stack, no native abort. */
function expectCleanFailure(exit: Exit, reason: string): void {
  expect(exit.status).toBe(1);
  expect(exit.stderr).toContain(reason);
  expect(exit.stderr).not.toMatch(/^\s+at /m);
  expect(exit.stderr).not.toContain('terminate called');
  expect(exit.stderr).not.toContain('listening on');
}

// Each case starts a CLI process (a few seconds under a full parallel test run).
describe('switchyard serve: start-up failures a user caused', { timeout: 60_000 }, () => {
  it('an invalid policy: file:line:col and the reason, exit 1', async () => {
    const policy = join(dir, 'broken.yaml');
    writeFileSync(policy, 'version: 1\nrules:\n  - name: x\n    when: { cpuLoad: { gt: nope } }\n    route: local\ndefault: { route: local }\n');
    const exit = await serve('--policy', policy);
    expectCleanFailure(exit, 'broken.yaml:4:');
    expect(exit.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing policy', async () => {
    expectCleanFailure(await serve('--policy', join(dir, 'nope.yaml')), 'nope.yaml:1:1 file not found');
  });

  it('a bad signals file', async () => {
    const signals = join(dir, 'signals.json');
    writeFileSync(signals, '{ "battery": { "percent": 300 } }');
    expectCleanFailure(await serve('--signals', signals), 'signals.json:1: battery.percent');
  });

  it('a missing model folder, or a dtype it does not have', async () => {
    expectCleanFailure(await serve('--local-model', join(dir, 'no-such-model')), 'no-such-model: no such folder');
    expectCleanFailure(await serve('--local-model', 'models/tiny-llama', '--dtype', 'q8'), "dtype 'q8' not found");
  });

  it('nothing that could answer', async () => {
    expectCleanFailure(await serve('--no-local'), '--no-local and no upstream configured: nothing could answer');
  });

  it('a site with only a targets file can answer, and its policy is checked against those targets before anything starts', async () => {
    const targets = join(dir, 'targets.yaml');
    writeFileSync(targets, 'targets:\n  edge:\n    endpoints: [ { url: http://127.0.0.1:9/v1 } ]\n    model: m\n');
    const policy = join(dir, 'to-gpu.yaml');
    writeFileSync(policy, 'version: 1\nrules: []\ndefault: { route: egde }\n');
    const exit = await serve('--no-local', '--targets', targets, '--policy', policy);
    expectCleanFailure(exit, 'to-gpu.yaml:3:');
    expect(exit.stderr).toContain('did you mean "edge"');
    expect(exit.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad setting in the environment names the variable', async () => {
    expectCleanFailure(
      await serveWith({ SWITCHYARD_UPSTREAM_URL: 'http://127.0.0.1:1/v1', SWITCHYARD_UPSTREAM_TIMEOUT_MS: 'soon' }),
      'SWITCHYARD_UPSTREAM_TIMEOUT_MS must be a positive number, got "soon"',
    );
  });

  it('a Redis address that is not redis:// names the variable or the flag', async () => {
    expectCleanFailure(await serveWith({ SWITCHYARD_REDIS_URL: 'http://127.0.0.1:6379' }), 'SWITCHYARD_REDIS_URL must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"');
    expectCleanFailure(await serve('--redis', '127.0.0.1:6379'), 'must be a redis:// or rediss:// URL');
  });

  it('a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      expectCleanFailure(await serve('--port', String(port)), `127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('a --data-dir another serve is using (two replicas, one journal); a lock left by a killed one is taken over', async () => {
    const upstream = await new FakeUpstream().start();
    const shared = mkdtempSync(join(tmpdir(), 'sy-shared-data-'));
    const first = new ReplicaProcess({ upstreamUrl: upstream.url, redisUrl: '', args: ['--data-dir', shared] });
    try {
      await first.start();
      const exit = await serveWith({ SWITCHYARD_UPSTREAM_URL: upstream.url }, '--no-local', '--data-dir', shared);
      expectCleanFailure(exit, `--data-dir ${shared} is in use by another switchyard serve (pid `);
      expect(exit.stderr).toContain('give each replica its own --data-dir');
      await first.stop('SIGKILL');
      const next = new ReplicaProcess({ upstreamUrl: upstream.url, redisUrl: '', args: ['--data-dir', shared] });
      await next.start();
      await next.stop();
    } finally {
      await first.stop('SIGKILL');
      await upstream.close();
    }
  });
});
