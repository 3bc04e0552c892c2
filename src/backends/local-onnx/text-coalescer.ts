import type { TokenLogprob } from '../backend.js';

/**
 * Merges the worker's per-token text into fewer messages: the first piece goes out at once (time to first
 * token is untouched), later pieces at most every `intervalMs`. On a tiny model a token takes well under a
 * millisecond, and one postMessage per token (clone, wake the main thread, one stream part) cost as much as
 * the model run itself; 8 ms batches are below what a reader of a stream can notice.
 */
export class TextCoalescer {
  private pending = '';
  /** Log probabilities of the pending text's tokens, when the request asked for them. */
  private pendingLogprobs: TokenLogprob[] = [];
  private lastSentAt = -Infinity;

  constructor(
    private readonly send: (text: string, logprobs?: TokenLogprob[]) => void,
    private readonly intervalMs = 8,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string, logprobs?: TokenLogprob[]): void {
    this.pending += text;
    if (logprobs !== undefined) this.pendingLogprobs.push(...logprobs);
    if (this.now() - this.lastSentAt >= this.intervalMs) this.flush();
  }

  /** Sends what is held (before the generation's outcome, so text always precedes `done`). */
  flush(): void {
    if (this.pending.length === 0 && this.pendingLogprobs.length === 0) return;
    if (this.pendingLogprobs.length === 0) this.send(this.pending);
    else this.send(this.pending, this.pendingLogprobs);
    this.pending = '';
    this.pendingLogprobs = [];
    this.lastSentAt = this.now();
  }
}
