import type { TokenLogprob } from '../backend.js';
import type { DecoderShape, GenerationOutcome, GenerationRequest } from './generation-request.js';

/** Session settings; both knobs measurably change speed on small CPUs (see bench/local.ts). */
export interface SessionSettings {
  /** Threads inside one operator (onnxruntime intra-op pool). */
  intraOpThreads: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Everything the worker needs, passed as workerData (structured-cloned once at start). */
export interface WorkerInit {
  modelPath: string;
  /** The model folder; the worker builds its own tokenizer from it (cheaper than cloning a parsed vocabulary). */
  modelDir: string;
  shape: DecoderShape;
  session: SessionSettings;
  /**
   * Int32[id % ABORT_SLOTS] = id of a request to abort. Shared memory, because session.run blocks the worker
   * thread for a whole step: a flag is seen at the next step boundary, whatever the event loop has queued.
   */
  abortFlags: SharedArrayBuffer;
  /** Bytes of KV cache kept for prefix reuse across requests (0 = none). */
  prefixCacheBytes: number;
}

/** Abort flag slots: far more than the requests the worker holds at once (a batch), so ids never collide. */
export const ABORT_SLOTS = 1024;

export type ToWorker =
  | { type: 'generate'; id: number; request: GenerationRequest }
  /** A new prefix-cache budget (memory pressure); the worker evicts down to it at once. */
  | { type: 'cache-budget'; bytes: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; loadMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'text'; id: number; text: string; logprobs?: TokenLogprob[] }
  | { type: 'done'; id: number; outcome: GenerationOutcome }
  /** `invalidRequest`: the request asked for something this model cannot do (a schema xgrammar rejects). */
  | { type: 'failed'; id: number; message: string; invalidRequest: boolean };
