/**
 * Merges the worker's per-token text into fewer messages: the first piece goes out at once (time to first
 * token is untouched), later pieces at most every `intervalMs`. On a tiny model a token takes well under a
 * millisecond, and one postMessage per token (clone, wake the main thread, one stream part) cost as much as
 * the model run itself; 8 ms batches are below what a reader of a stream can notice.
 */
export class TextCoalescer {
  private pending = '';
  private lastSentAt = -Infinity;

  constructor(
    private readonly send: (text: string) => void,
    private readonly intervalMs = 8,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.now() - this.lastSentAt >= this.intervalMs) this.flush();
  }

  /** Sends what is held (before the generation's outcome, so text always precedes `done`). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.send(this.pending);
    this.pending = '';
    this.lastSentAt = this.now();
  }
}
