import { SwitchyardError } from '../errors.js';

/**
 * A bounded FIFO in front of the model: one request runs, up to `capacity` wait. Beyond that callers get
 * `queue-full` (→ 429 with Retry-After) instead of an unbounded wait.
 */
export class RequestQueue {
  private readonly waiting: Array<{ start: () => void; signal: AbortSignal; cancel: () => void }> = [];
  private running = false;
  /** EWMA of one request's run time, in ms; seeds Retry-After. 2 s before anything has run. */
  private averageRunMs = 2000;

  constructor(readonly capacity: number) {}

  /** Requests waiting plus the one running. */
  get depth(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw abortedError();
    if (this.running) {
      if (this.waiting.length >= this.capacity) {
        const retryAfterMs = Math.max(1000, Math.ceil((this.depth * this.averageRunMs) / 1000) * 1000);
        throw new SwitchyardError('queue-full', `local model queue is full (${this.capacity} waiting)`, {
          retryAfterMs,
          code: 'rate_limit_exceeded',
        });
      }
      await new Promise<void>((resolve, reject) => {
        const entry = {
          signal,
          start: () => (signal.removeEventListener('abort', entry.cancel), resolve()),
          cancel: () => {
            this.waiting.splice(this.waiting.indexOf(entry), 1);
            reject(abortedError());
          },
        };
        signal.addEventListener('abort', entry.cancel, { once: true });
        this.waiting.push(entry);
      });
    }
    this.running = true;
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.averageRunMs = 0.7 * this.averageRunMs + 0.3 * (performance.now() - started);
      this.running = false;
      const next = this.waiting.shift();
      if (next !== undefined) {
        this.running = true;
        next.start();
      }
    }
  }
}

function abortedError(): SwitchyardError {
  return new SwitchyardError('aborted', 'The request was aborted while waiting for the local model');
}
