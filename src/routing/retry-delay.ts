import type { SwitchyardError } from '../backends/errors.js';

/**
 * How long to wait before retrying, by openai-node's rules: the server's `retry-after-ms` / `Retry-After` when it
 * is between 0 and 60 s, else exponential backoff from 0.5 s doubling to at most 8 s, minus up to 25% jitter.
 */
export function retryDelayMs(error: SwitchyardError, retriesDone: number, random: () => number = Math.random): number {
  const hinted = error.retryAfterMs;
  if (hinted !== undefined && hinted >= 0 && hinted <= 60_000) return hinted;
  const seconds = Math.min(0.5 * 2 ** retriesDone, 8);
  return seconds * (1 - random() * 0.25) * 1000;
}
