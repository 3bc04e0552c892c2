import type { Cancel, Clock } from './clock.js';

/**
 * Calls one slow reader in the background: once at start, then `intervalMs` after each call finishes (never
 * two calls of the same reader at once, however slow the OS is).
 */
export class Sampler<T> {
  private timer: Cancel | null = null;
  private inFlight: Promise<void> | null = null;
  private running = false;
  private resolveFirst: () => void = () => undefined;
  /** Settles after the first call finished, whether it read a value or failed. */
  readonly first: Promise<void> = new Promise((resolve) => (this.resolveFirst = resolve));

  constructor(
    private readonly read: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly onValue: (value: T) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.running = true;
    this.run();
  }

  /** Clears the timer and waits for a call in flight, so nothing runs after this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = null;
    await this.inFlight;
  }

  private run(): void {
    this.timer = null;
    this.inFlight = Promise.resolve()
      .then(() => this.read())
      .then(
        (value) => this.running && this.onValue(value),
        (error: unknown) => this.running && this.onError(error),
      )
      .then(() => {
        this.inFlight = null;
        this.resolveFirst();
        if (this.running) this.timer = this.clock.after(this.intervalMs, () => this.run());
      });
  }
}
