import { availableParallelism } from 'node:os';
import type { SessionSettings } from './worker-protocol.js';

/**
 * Below this many parameters one intra-op thread decodes faster than two (thread hand-off costs more than
 * the matmuls it splits); above it two win. Measured with bench/local.ts on a 2-core machine:
 * stories260K / tiny-llama faster on 1 thread, a SmolLM2-135M-shaped q4 model faster on 2.
 */
export const MULTI_THREAD_PARAMETER_THRESHOLD = 20_000_000;

export function defaultSessionSettings(parameters: number): SessionSettings {
  const cores = Math.max(1, availableParallelism());
  return {
    intraOpThreads: parameters < MULTI_THREAD_PARAMETER_THRESHOLD ? 1 : Math.min(2, cores),
    graphOptimizationLevel: 'all',
  };
}
