import { availableParallelism } from 'node:os';
import type { SessionSettings } from './worker-protocol.js';

/**
 * Default onnxruntime intra-op threads, from bench/local.ts and a raw session loop on the 2-core dev box
 * (other jobs running):
 * - stories260K / tiny-llama (< 1M params): 1 thread decodes faster; hand-off costs more than tiny matmuls.
 * - SmolLM2-135M-shaped q4: 1 thread decoded 47-49 tok/s vs 24-37 tok/s with 2 (2 threads only won
 *   prefill, and only when the machine was idle). So 2 threads only when there are 4+ cores to spare.
 */
export const MULTI_THREAD_PARAMETER_THRESHOLD = 20_000_000;

export function defaultSessionSettings(parameters: number, cores: number = availableParallelism()): SessionSettings {
  const multi = parameters >= MULTI_THREAD_PARAMETER_THRESHOLD && cores >= 4;
  return { intraOpThreads: multi ? 2 : 1, graphOptimizationLevel: 'all' };
}
