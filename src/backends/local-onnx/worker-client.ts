import { Worker } from 'node:worker_threads';
import { SwitchyardError } from '../errors.js';
import type { GenerationOutcome, GenerationRequest } from './generation-request.js';
import type { PrefixCacheStats } from './prefix-cache.js';
import type { OnText } from './sequence.js';
import { ABORT_SLOTS, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.js';

interface Pending {
  onText: OnText;
  resolve: (outcome: GenerationOutcome) => void;
  reject: (err: Error) => void;
}

/** Main-thread handle on the generation worker: start it, run requests (several at once decode in one batch), abort, stop. */
export class WorkerClient {
  readonly ready: Promise<number>;
  private readonly worker: Worker;
  private readonly abortFlags: Int32Array;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  /** The worker's prefix cache as of the last finished request. */
  prefixCache: PrefixCacheStats | undefined;

  /** `onCrash` fires once if the worker dies (its heap out of memory, an uncaught error; a native crash ends the process). */
  constructor(init: Omit<WorkerInit, 'abortFlags'>, private readonly onCrash: (err: Error) => void = () => undefined) {
    const shared = new SharedArrayBuffer(4 * ABORT_SLOTS);
    this.abortFlags = new Int32Array(shared);
    const workerData: WorkerInit = { ...init, abortFlags: shared };
    this.worker = import.meta.url.endsWith('.ts')
      ? // Under tsx/vitest this module is TypeScript; a worker does not inherit tsx's loader (`execArgv:
        // ['--import', 'tsx']` is not enough on Node 20), so a small bootstrap registers it, then imports the entry.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); ` +
            `return import(${JSON.stringify(new URL('./generation-worker.ts', import.meta.url).href)}); })`,
          { eval: true, workerData },
        )
      : new Worker(new URL('./generation-worker.js', import.meta.url), { workerData });
    this.ready = new Promise<number>((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve(message.loadMs);
        else if (message.type === 'load-failed') reject(this.fail(new Error(message.message)));
        else this.route(message);
      });
      this.worker.on('error', (err) => reject(this.fail(err)));
      this.worker.on('exit', (code) => reject(this.fail(new Error(`generation worker exited with code ${code}`))));
    });
    // The backend reads the outcome through `ready`; this only keeps an early failure from being unhandled.
    this.ready.catch(() => undefined);
  }

  generate(request: GenerationRequest, onText: OnText, signal: AbortSignal): Promise<GenerationOutcome> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<GenerationOutcome>((resolve, reject) => {
      const onAbort = (): void => void Atomics.store(this.abortFlags, id % ABORT_SLOTS, id);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        onText,
        resolve: (outcome) => (done(), resolve(outcome)),
        reject: (err) => (done(), reject(err)),
      });
      this.worker.postMessage({ type: 'generate', id, request } satisfies ToWorker);
    });
  }

  /** Shrinks (or restores) the worker's prefix cache; takes effect between two requests' steps. */
  setPrefixCacheBudget(bytes: number): void {
    if (this.failure === undefined) this.worker.postMessage({ type: 'cache-budget', bytes } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.failure ??= new SwitchyardError('unavailable', 'local backend closed'); // set first: the exit that follows is not a crash
    await this.worker.terminate();
  }

  private route(message: Exclude<FromWorker, { type: 'ready' | 'load-failed' }>): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === 'text') return pending.onText(message.text, message.logprobs);
    this.pending.delete(message.id);
    if (message.type === 'done') {
      this.prefixCache = message.outcome.prefixCache ?? this.prefixCache;
      pending.resolve(message.outcome);
    }
    else if (message.invalidRequest) pending.reject(new SwitchyardError('invalid-request', message.message, { code: 'invalid_schema' }));
    else pending.reject(new Error(message.message));
  }

  private fail(err: Error): Error {
    if (this.failure === undefined) this.onCrash(err);
    // Requests it held, and any sent later, were not answered here: another target may take them, as when no model is loaded.
    this.failure ??= new SwitchyardError('unavailable', `local model worker stopped: ${err.message}`, { cause: err });
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    return err;
  }
}
