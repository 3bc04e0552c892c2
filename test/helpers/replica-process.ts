import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { fromPackageRoot } from '../../src/paths.js';
import { freePort } from './redis-server.js';

/** A real `switchyard serve` process (the built bin/switchyard.js), cloud only, sharing state through `redisUrl`. */
export class ReplicaProcess {
  private child: ChildProcess | null = null;
  url = '';
  client!: OpenAI;

  constructor(
    private readonly env: { upstreamUrl: string; redisUrl: string; extra?: Record<string, string> },
  ) {}

  async start(): Promise<this> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-replica-'));
    const child = spawn(process.execPath, [fromPackageRoot('bin', 'switchyard.js'), 'serve', '--no-local', '--port', String(port), '--data-dir', dataDir], {
      env: {
        PATH: process.env['PATH'] ?? '',
        SWITCHYARD_UPSTREAM_URL: this.env.upstreamUrl,
        SWITCHYARD_UPSTREAM_KEY: 'sk-test',
        SWITCHYARD_UPSTREAM_TIMEOUT_MS: '2000',
        SWITCHYARD_REDIS_URL: this.env.redisUrl,
        SWITCHYARD_LOG_LEVEL: 'warn',
        ...this.env.extra,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes('switchyard listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`switchyard serve exited (${String(code)}): ${err}`)));
    });
    this.url = `http://127.0.0.1:${port}`;
    this.client = new OpenAI({ baseURL: `${this.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
    return this;
  }

  async health(): Promise<{ state: { connected: boolean }; connectivity: { state: string }; deferred: { pending: number } | null }> {
    return (await (await fetch(`${this.url}/healthz`)).json()) as never;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
