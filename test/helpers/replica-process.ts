import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { fromPackageRoot } from '../../src/paths.js';
import { freePort } from './redis-server.js';

/** How long a replica may take to print that it listens (a loaded 2-core CI machine), in ms. */
const START_TIMEOUT_MS = 20_000;

export interface ReplicaHealth {
  backends: { local: { state: string } };
  state: { store: string; mode: string; connected: boolean };
  connectivity: { state: string; breaker: string };
  deferred: { pending: number } | null;
}

/**
 * A real `switchyard serve` process (the built bin/switchyard.js) sharing state through `redisUrl`: cloud only,
 * or with `local: true` the bundled tiny model on one thread as the device.
 */
export class ReplicaProcess {
  private child: ChildProcess | null = null;
  url = '';
  client!: OpenAI;
  /** What the process wrote to stderr (start-up lines), for a failing test's message. */
  stderr = '';
  /** Its JSON log (stdout, at `warn` and above). */
  log = '';

  constructor(
    private readonly env: { upstreamUrl: string; redisUrl: string; local?: boolean; apiKey?: string; extra?: Record<string, string>; args?: string[] },
  ) {}

  async start(): Promise<this> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-replica-'));
    const device = this.env.local === true ? ['--threads', '1'] : ['--no-local'];
    const child = spawn(process.execPath, [fromPackageRoot('bin', 'switchyard.js'), 'serve', ...device, '--port', String(port), '--data-dir', dataDir, ...(this.env.args ?? [])], {
      env: {
        PATH: process.env['PATH'] ?? '',
        SWITCHYARD_UPSTREAM_URL: this.env.upstreamUrl,
        SWITCHYARD_UPSTREAM_KEY: 'sk-test',
        SWITCHYARD_UPSTREAM_TIMEOUT_MS: '2000',
        SWITCHYARD_REDIS_URL: this.env.redisUrl,
        SWITCHYARD_LOG_LEVEL: 'warn',
        ...this.env.extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`switchyard serve did not say it listens within ${START_TIMEOUT_MS} ms; stderr: ${this.stderr}`));
      }, START_TIMEOUT_MS);
      child.stderr?.on('data', () => {
        if (!this.stderr.includes('switchyard listening on')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`switchyard serve exited (${String(code)}): ${this.stderr}`));
      });
    });
    this.url = `http://127.0.0.1:${port}`;
    this.client = new OpenAI({ baseURL: `${this.url}/v1`, apiKey: this.env.apiKey ?? 'client-key', maxRetries: 0, timeout: 15_000 });
    return this;
  }

  async health(): Promise<ReplicaHealth> {
    return (await (await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(5_000) })).json()) as ReplicaHealth;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    // A replica that does not finish shutting down in time is killed: a test never hangs on its cleanup.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `n` replicas at once; all of them are stopped by the returned `stop`, also when one fails to start. */
export async function startReplicas(
  n: number,
  options: ConstructorParameters<typeof ReplicaProcess>[0],
): Promise<{ group: ReplicaProcess[]; stop: () => Promise<void> }> {
  const group = Array.from({ length: n }, () => new ReplicaProcess(options));
  const stop = async (): Promise<void> => {
    await Promise.all(group.map((r) => r.stop()));
  };
  const started = await Promise.allSettled(group.map((r) => r.start()));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  return { group, stop };
}
