import { SwitchyardError } from '../errors.js';
import type { GenerationOutcome } from './generation-request.js';
import type { Throughput } from '../backend.js';
import type { ThroughputEstimate, WorkCost } from './throughput-estimate.js';

export interface RequestQueueOptions {
  /** Admit a request while its expected start is within this many ms. */
  waitBudgetMs: number;
  /** Hard ceiling on waiting requests whatever the estimate says (bounds memory). */
  capacity: number;
  /** Requests the model serves at once (its decode batch); default 1. */
  slots?: number;
  estimate: ThroughputEstimate;
  now?: () => number;
}

interface Slot {
  expectedMs: number;
  startedAt: number;
}

interface Waiting {
  expectedMs: number;
  /** Called with the slot held for it (already counted as running). */
  start: (slot: Slot) => void;
  cancel: () => void;
}

/**
 * A FIFO in front of the model, admitting by expected wait rather than by count. Up to `slots` requests run at
 * once (they decode in one batch); past that, a request gets in while the work ahead of it (the running
 * requests' remaining time plus every queued request's expected time, from the measured throughput, shared
 * among the slots) fits the wait budget. A fast model absorbs a burst; a slow one sheds early with
 * `queue-full` (→ 429) and a Retry-After of when the work ahead will have drained to the budget.
 */
export class RequestQueue {
  private readonly waiting: Waiting[] = [];
  private readonly running: Slot[] = [];
  private readonly slots: number;
  private readonly now: () => number;

  constructor(private readonly options: RequestQueueOptions) {
    this.now = options.now ?? (() => performance.now());
    this.slots = Math.max(1, options.slots ?? 1);
  }

  get capacity(): number {
    return this.options.capacity;
  }

  get throughput(): Throughput {
    return this.options.estimate.current;
  }

  get waitBudgetMs(): number {
    return this.options.waitBudgetMs;
  }

  /** Requests waiting plus those running. */
  get depth(): number {
    return this.waiting.length + this.running.length;
  }

  /** How long a request arriving now would wait before the model starts on it, in ms. */
  expectedWaitMs(): number {
    if (this.running.length < this.slots && this.waiting.length === 0) return 0;
    const now = this.now();
    let ms = 0;
    for (const entry of this.running) ms += Math.max(0, entry.expectedMs - (now - entry.startedAt));
    for (const entry of this.waiting) ms += entry.expectedMs;
    return Math.round(ms / this.slots);
  }

  async run(task: () => Promise<GenerationOutcome>, cost: WorkCost, signal: AbortSignal): Promise<GenerationOutcome> {
    if (signal.aborted) throw abortedError();
    const expectedMs = this.options.estimate.expectedMs(cost);
    let slot: Slot | undefined;
    if (this.running.length >= this.slots || this.waiting.length > 0) {
      this.admit();
      await new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          expectedMs,
          start: (held) => {
            slot = held;
            signal.removeEventListener('abort', entry.cancel);
            resolve();
          },
          cancel: () => {
            this.waiting.splice(this.waiting.indexOf(entry), 1);
            reject(abortedError());
          },
        };
        signal.addEventListener('abort', entry.cancel, { once: true });
        this.waiting.push(entry);
      });
    }
    if (slot === undefined) {
      slot = { expectedMs, startedAt: this.now() };
      this.running.push(slot);
    }
    const { startedAt } = slot;
    try {
      const outcome = await task();
      if (outcome.finishReason !== 'aborted') {
        this.options.estimate.record({ ...outcome, totalMs: this.now() - startedAt });
      }
      return outcome;
    } finally {
      this.running.splice(this.running.indexOf(slot), 1);
      const next = this.waiting.shift();
      if (next !== undefined) {
        const held = { expectedMs: next.expectedMs, startedAt: this.now() }; // counted until next.start runs
        this.running.push(held);
        next.start(held);
      }
    }
  }

  /** Throws `queue-full` when the work ahead does not fit the budget (or the hard ceiling is reached). */
  private admit(): void {
    const waitMs = this.expectedWaitMs();
    const { waitBudgetMs, capacity } = this.options;
    if (waitMs <= waitBudgetMs && this.waiting.length < capacity) return;
    // Retry-After is whole seconds: when the work ahead will have drained back to the budget, at least 1 s.
    const retryAfterMs = Math.max(1000, Math.ceil((waitMs - waitBudgetMs) / 1000) * 1000);
    const why =
      this.waiting.length >= capacity
        ? `local model queue is full (${capacity} waiting)`
        : `local model is busy: expected wait ${(waitMs / 1000).toFixed(1)} s exceeds the ${(waitBudgetMs / 1000).toFixed(1)} s wait budget`;
    throw new SwitchyardError('queue-full', why, { retryAfterMs, code: 'rate_limit_exceeded' });
  }
}

function abortedError(): SwitchyardError {
  return new SwitchyardError('aborted', 'The request was aborted while waiting for the local model');
}
