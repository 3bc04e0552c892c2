import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { localModelThreads, wantsSingleThreadedGc } from '../src/cli/gc-relaunch.js';
import { fromPackageRoot } from '../src/paths.js';
import { freePort } from './helpers/redis-server.js';
import { waitFor } from './helpers/service.js';

const CORES = availableParallelism();
/** Every serve a test started: a test that fails half-way must not leave a server (and its child) running. */
const started: Array<{ parent: ChildProcess; dataDir: string }> = [];
afterEach(() => {
  for (const { parent, dataDir } of started.splice(0)) {
    parent.kill('SIGKILL');
    try {
      process.kill(Number.parseInt(readFileSync(join(dataDir, 'serve.lock'), 'utf8'), 10), 'SIGKILL');
    } catch {
      // already gone, lock released
    }
  }
});

interface Serve {
  child: ChildProcess;
  dataDir: string;
  stderr: () => string;
  log: () => string;
  client: OpenAI;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `switchyard serve ARGS` from the built bin, device only (no upstream), info log on stdout; resolves once it listens. */
async function serve(...args: string[]): Promise<Serve> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-gc-'));
  const child = spawn(process.execPath, [fromPackageRoot('bin', 'switchyard.js'), 'serve', '--port', String(port), '--data-dir', dataDir, ...args], {
    env: { PATH: process.env['PATH'] ?? '', SWITCHYARD_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ parent: child, dataDir });
  let stderr = '';
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within 30 s: ${stderr}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('switchyard listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${String(code)}): ${stderr}`)));
  });
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });
  // It listens while the model loads (503 "local model is loading" until then).
  for (let state = ''; state !== 'ready'; await new Promise((r) => setTimeout(r, 100))) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { backends: { local: { state: string } } };
    state = health.backends.local.state;
    if (state === 'failed') throw new Error(`the local model failed to load: ${stderr}`);
  }
  return { child, dataDir, stderr: () => stderr, log: () => log, client, exited };
}

/** The pid that owns the data dir: the process actually serving. */
const servingPid = (s: Serve) => Number.parseInt(readFileSync(join(s.dataDir, 'serve.lock'), 'utf8'), 10);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("serve picks V8's garbage collector for the device", () => {
  it('goes single-threaded only when the local model takes every core, or when asked', () => {
    expect(wantsSingleThreadedGc('auto', 2, 2)).toContain("local model's 2 onnxruntime threads take every core (2)");
    expect(wantsSingleThreadedGc('auto', 1, 2)).toBeNull();
    expect(wantsSingleThreadedGc('auto', null, 1)).toBeNull(); // no local model: nothing competes
    expect(wantsSingleThreadedGc('concurrent', 4, 2)).toBeNull();
    expect(wantsSingleThreadedGc('single', 1, 8)).toBe('--gc single');
  });

  it("reads the local model's threads as serve will start it", () => {
    expect(localModelThreads({ local: false })).toBeNull();
    expect(localModelThreads({ local: true, threads: 3 })).toBe(3);
    // The bundled tiny model is far below the 20M parameters where 2 threads pay off.
    expect(localModelThreads({ local: true, localModel: fromPackageRoot('models', 'tiny-llama') })).toBe(1);
    expect(localModelThreads({ local: true, localModel: join(tmpdir(), 'no-such-model-folder') })).toBeNull();
  });
});

describe('serve relaunched with --single-threaded-gc', { timeout: 90_000 }, () => {
  it('answers as usual, says why it relaunched, and stops whole on SIGTERM to the process that was started', async () => {
    const s = await serve('--threads', String(CORES));
    expect(s.stderr()).toContain('running with --single-threaded-gc (--gc concurrent turns this off)');
    const pid = servingPid(s);
    expect(pid).not.toBe(s.child.pid);
    const answer = await s.client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8 });
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String));
    expect(s.log()).toContain('"gc":"single-threaded"');
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => !alive(pid), 15_000);
    expect(existsSync(join(s.dataDir, 'serve.lock'))).toBe(false);
    // The decision log is kept in --data-dir with the rest of the durable state, not in ./.switchyard.
    expect(readFileSync(join(s.dataDir, 'decisions.jsonl'), 'utf8')).toContain('"servedBy":"local"');
  });

  it('stops when the process that was started is killed outright, releasing the data dir', async () => {
    const s = await serve('--threads', String(CORES));
    const pid = servingPid(s);
    s.child.kill('SIGKILL');
    await waitFor(() => !alive(pid) && !existsSync(join(s.dataDir, 'serve.lock')), 15_000);
  });

  it('--gc concurrent serves from the process that was started', async () => {
    const s = await serve('--threads', String(CORES), '--gc', 'concurrent');
    expect(servingPid(s)).toBe(s.child.pid);
    expect(s.stderr()).not.toContain('--single-threaded-gc');
    expect(s.log()).toContain('"gc":"concurrent"');
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });
});
