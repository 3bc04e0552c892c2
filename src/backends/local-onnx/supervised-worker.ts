import type { GenerationOutcome, GenerationRequest } from './generation-request.js';
import type { PrefixCacheStats } from './prefix-cache.js';
import { RestartBackoff } from './restart-backoff.js';
import type { OnText } from './sequence.js';
import { WorkerClient } from './worker-client.js';
import type { WorkerInit } from './worker-protocol.js';

export interface WorkerEvents {
  /** The thread died (its heap ran out of memory, an uncaught error); `restartInMs` when it will be started again. */
  stopped(err: Error, restartInMs: number | null): void;
  /** A worker started after a crash is serving again. */
  restarted(): void;
}

/**
 * The generation worker, kept alive: a worker that dies while serving is started again after a backoff
 * (restart-backoff.ts), with the same model and settings. Requests it was running have failed over by then; the
 * ones after the restart are served as before. A worker that never came up the first time is not retried: the
 * model would fail to load the same way.
 */
export class SupervisedWorker {
  /** The load time of the first start, in ms; rejects when that start fails. */
  readonly ready: Promise<number>;
  private current: WorkerClient;
  private serving = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly init: Omit<WorkerInit, 'abortFlags'>,
    private readonly events: WorkerEvents,
    private readonly backoff = new RestartBackoff(),
  ) {
    this.current = this.start(init);
    this.ready = this.current.ready.then((loadMs) => {
      this.serving = true;
      this.backoff.started();
      return loadMs;
    });
  }

  generate(request: GenerationRequest, onText: OnText, signal: AbortSignal): Promise<GenerationOutcome> {
    return this.current.generate(request, onText, signal);
  }

  /** The worker's prefix cache as of its last finished request. */
  get prefixCache(): PrefixCacheStats | undefined {
    return this.current.prefixCache;
  }

  setPrefixCacheBudget(bytes: number): void {
    this.init.prefixCacheBytes = bytes; // a restarted worker keeps the budget
    this.current.setPrefixCacheBudget(bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.current.close();
  }

  private start(init: Omit<WorkerInit, 'abortFlags'>): WorkerClient {
    const worker: WorkerClient = new WorkerClient(init, (err) => this.stopped(worker, err));
    return worker;
  }

  private stopped(worker: WorkerClient, err: Error): void {
    if (this.closed || worker !== this.current) return;
    const restartInMs = this.serving ? this.backoff.next() : null;
    this.events.stopped(err, restartInMs);
    if (restartInMs !== null) this.timer = setTimeout(() => void this.restart(), restartInMs);
  }

  private async restart(): Promise<void> {
    if (this.closed) return;
    // The current worker from now on, so that a failure to start schedules the next attempt (stopped()).
    const worker = this.start(this.init);
    this.current = worker;
    const started = await worker.ready.then(
      () => true,
      () => false,
    );
    if (!started || this.closed || worker !== this.current) return;
    this.backoff.started();
    this.events.restarted();
  }
}
