/**
 * When to start a crashed generation worker again: 1 s after the crash, doubling up to a minute while it keeps
 * dying soon after each start; a worker that then stays up a minute resets the delay. A device that may be
 * offline for hours must not lose its local model to one out-of-memory kill, nor spin on a model that cannot run.
 */
export class RestartBackoff {
  private failures = 0;
  private upSince: number | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly firstMs = 1_000,
    private readonly maxMs = 60_000,
    /** Up this long (ms), a worker counts as healthy again. */
    private readonly healthyMs = 60_000,
  ) {}

  /** A worker is up and serving. */
  started(): void {
    this.upSince = this.now();
  }

  /** A worker died now: how long to wait before starting the next, in ms. */
  next(): number {
    if (this.upSince !== undefined && this.now() - this.upSince >= this.healthyMs) this.failures = 0;
    this.upSince = undefined;
    const delay = Math.min(this.maxMs, this.firstMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }
}
