import { availableParallelism } from 'node:os';
import type { SessionSettings } from './worker-protocol.js';

/**
 * Default onnxruntime intra-op threads, measured with bench/local.ts on the 2-core dev box:
 * - stories260K / tiny-llama (< 1M params): 1 thread; splitting tiny matmuls costs more than it saves.
 * - SmolLM2-135M-shaped q4, machine quiet: 2 threads prefill 449 vs 270 tok/s, decode 52 vs 51 tok/s → 2.
 *   Under heavy background load 2 threads lost (decode 10 vs 20 tok/s): pass `threads: 1` on busy devices.
 */
export const MULTI_THREAD_PARAMETER_THRESHOLD = 20_000_000;

export function defaultSessionSettings(parameters: number, cores: number = availableParallelism()): SessionSettings {
  const multi = parameters >= MULTI_THREAD_PARAMETER_THRESHOLD && cores >= 2;
  return { intraOpThreads: multi ? 2 : 1, graphOptimizationLevel: 'all' };
}
