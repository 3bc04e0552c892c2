import type { Backend, CallOptions } from '../../backends/backend.js';
import { classifyError, SwitchyardError } from '../../backends/errors.js';
import type { Decision, Served } from '../decision.js';
import { causeOfError, renderCause } from '../fallback-cause.js';
import type { Targets } from '../targets.js';
import type { UpstreamGate } from './upstream-gate.js';

/** A retry the upstream asks for (Retry-After) is waited out only up to this long; longer, the request moves, in ms. */
export const MAX_RETRY_WAIT_MS = 1_000;

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface SwitchDeps {
  targets: Targets;
  gate: UpstreamGate;
  sleep: Sleep;
}

/**
 * `holdOnLinkFailure`: a refused connection or a timeout is returned as the final error instead of moving to the
 * next target (store-and-forward keeps such a request for later); every other failure falls back as usual.
 */
export interface DispatchHow {
  holdOnLinkFailure?: boolean;
}

/** How opening went: the value and who serves it, or the final error and who was tried last. */
export type Opened<T> = { ok: true; value: T; served: Served } | { ok: false; error: SwitchyardError; served: Served };

/**
 * Opens a decided request, switching targets on failure. A failure before any output is retried once on the
 * same target when the upstream asked for a short wait (Retry-After ≤ 1 s); otherwise the request moves to
 * the next ready target in the fallback order when the decision allows it and the failure is one another
 * target may fix. Each target is tried once: when every one has failed, the last failure is final.
 */
export async function openWithFallback<T>(
  decision: Decision,
  options: Omit<CallOptions, 'model'>,
  deps: SwitchDeps,
  open: (backend: Backend, call: CallOptions) => Promise<T>,
  how: DispatchHow = {},
): Promise<Opened<T>> {
  let served: Served = { target: decision.target, model: decision.model, fallback: null, computeMs: null };
  let retried = false;
  const tried = new Set([decision.target]);
  for (;;) {
    const { target, model } = served;
    try {
      const value = await deps.gate.call(target, () => open(deps.targets.backend(target), { ...options, model }));
      return { ok: true, value, served };
    } catch (err) {
      const error = classifyError(err);
      if (options.signal.aborted || error.kind === 'aborted') return { ok: false, error, served };
      const wait = error.retryAfterMs;
      if (!retried && error.kind === 'upstream-status' && error.isRetryable && wait !== undefined && wait <= MAX_RETRY_WAIT_MS) {
        retried = true;
        try {
          await deps.sleep(wait, options.signal);
        } catch (abort) {
          return { ok: false, error: classifyError(abort), served };
        }
        continue;
      }
      const held = how.holdOnLinkFailure === true && (error.kind === 'connection' || error.kind === 'timeout');
      const alternative = decision.allowFallback && canMove(error) && !held ? deps.targets.alternativeTo(target, tried) : null;
      if (alternative === null) return { ok: false, error: deps.gate.finalError(target, error, decision.allowFallback), served };
      served = {
        target: alternative.target,
        model: alternative.model,
        fallback: {
          cause: renderCause(causeOfError(target, error)),
          from: target,
          to: alternative.target,
          continued: false,
          detail: error.message,
        },
        computeMs: null,
      };
      tried.add(alternative.target);
      retried = false;
    }
  }
}

/** Failures another backend may fix: outages, rate limits, a full or missing local model, a prompt too long. */
function canMove(error: SwitchyardError): boolean {
  return error.isRetryable || error.kind === 'context-length';
}

/** setTimeout that an abort cuts short (rejecting with an `aborted` error). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SwitchyardError('aborted', 'The request was aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
