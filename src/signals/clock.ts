/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * Time as the signal code sees it: wall clock in ms since the epoch plus one-shot timers.
 * Injected so tests drive sampling, probing and trace replay with a fake clock instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. Real timers are unref'd: signals never keep a process alive. */
  after(ms: number, fn: () => void): Cancel;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
