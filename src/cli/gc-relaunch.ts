import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultSessionSettings } from '../backends/local-onnx/session-defaults.js';
import { findDefaultModelDir } from '../models/find-default-model.js';
import { estimateParameters, ModelConfigSchema } from '../models/model-config.js';

/**
 * V8's concurrent garbage collector runs on helper threads. When the local model's onnxruntime threads already
 * take every core, those helpers compete with the matmuls: every decode step hands back the KV cache as fresh
 * buffers, so the collector is busy all the time. Measured on a 2-core machine (`npm run bench:local -- --gc`),
 * SmolLM2-135M-shaped q4 at 2 threads decodes 55 → 64 tok/s with `--single-threaded-gc`; with a core left free
 * (1 thread) the flag costs 5–9 % instead. The flag cannot be set once V8 runs (it aborts in the next collection) nor through
 * NODE_OPTIONS, so `serve` starts itself again with it and stays as a thin parent that passes signals on.
 */
export const GC_MODES = ['auto', 'single', 'concurrent'] as const;
export type GcMode = (typeof GC_MODES)[number];
export const SINGLE_THREADED_GC = '--single-threaded-gc';
/** Set in the relaunched child: it never relaunches again, and it stops when its parent is gone. */
export const RELAUNCHED_ENV = 'SWITCHYARD_RELAUNCHED';

/** The local model's onnxruntime threads as serve will start it; null without a local model it can read. */
export function localModelThreads(opts: { local: boolean; localModel?: string; threads?: number }): number | null {
  if (!opts.local) return null;
  if (opts.threads !== undefined) return opts.threads;
  const dir = opts.localModel === undefined ? findDefaultModelDir() : resolve(opts.localModel);
  if (dir === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch {
    return null; // no such folder, or a broken config: serve itself says so, with the reason
  }
  const config = ModelConfigSchema.safeParse(raw);
  return config.success ? defaultSessionSettings(estimateParameters(config.data)).intraOpThreads : null;
}

/** Whether serve should run with `--single-threaded-gc`, and why (for the one line it prints). */
export function wantsSingleThreadedGc(mode: GcMode, threads: number | null, cores: number = availableParallelism()): string | null {
  if (mode === 'single') return '--gc single';
  if (mode === 'concurrent' || threads === null || threads < cores) return null;
  return `the local model's ${threads} onnxruntime thread${threads === 1 ? '' : 's'} take every core (${cores})`;
}

/** True in a process that already runs with the flag, or that was relaunched for it. */
export function runsSingleThreadedGc(): boolean {
  return process.execArgv.includes(SINGLE_THREADED_GC) || process.env[RELAUNCHED_ENV] === '1';
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs this same command line again under `--single-threaded-gc` and mirrors the child: signals are passed on
 * (the child's shutdown is idempotent, so a Ctrl-C that reaches both is one stop), and its exit code or signal
 * becomes this process's. The IPC channel lets the child notice a parent killed outright and stop too.
 */
export function relaunchWithSingleThreadedGc(why: string): void {
  process.stderr.write(`switchyard serve: ${why}; running with ${SINGLE_THREADED_GC} (--gc concurrent turns this off)\n`);
  const child = spawn(process.execPath, [SINGLE_THREADED_GC, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  child.once('error', (err) => {
    process.stderr.write(`switchyard serve: could not start itself again with ${SINGLE_THREADED_GC}: ${err.message}\n`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/** In a relaunched child: run `stop` when the parent is gone (killed outright, so it could pass nothing on). */
export function stopWithParent(stop: () => void): void {
  if (process.env[RELAUNCHED_ENV] !== '1' || !process.connected) return;
  process.channel?.unref();
  process.once('disconnect', stop);
}
