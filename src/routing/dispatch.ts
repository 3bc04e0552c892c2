import type { Backend, CallOptions, GenerateResult, StreamPart } from '../backends/backend.js';
import { classifyError, SwitchyardError } from '../backends/errors.js';
import type { Decision, Fallback, Target } from './decision.js';

export interface Backends {
  local: Backend | null;
  cloud: Backend | null;
}

/** Who actually answered, filled in as dispatch goes (streams learn it only after the first part). */
export interface Outcome {
  servedBy: Target;
  model: string;
  fallback: Fallback | null;
  /** Local generation time in ms, when the local model served. */
  computeMs: number | null;
}

const other = (target: Target): Target => (target === 'local' ? 'cloud' : 'local');

/** Machine-readable fallback cause, e.g. `upstream-connection`, `upstream-503`, `local-queue-full`. */
export function fallbackCause(from: Target, error: SwitchyardError): string {
  const side = from === 'cloud' ? 'upstream' : 'local';
  if (error.kind === 'upstream-status') return `${side}-${error.status}`;
  return `${side}-${error.kind}`;
}

/**
 * Sends a decided request to its backend and, when that side fails before producing anything and the decision
 * allows it, to the other side. Errors that retrying cannot fix (bad request, client abort) are never retried.
 */
export class Dispatcher {
  constructor(private readonly backends: Backends) {}

  async generate(decision: Decision, options: CallOptions): Promise<{ result: GenerateResult; outcome: Outcome }> {
    const outcome: Outcome = { servedBy: decision.target, model: decision.model, fallback: null, computeMs: null };
    try {
      const result = await this.backend(decision.target).generate({ ...options, model: decision.model });
      return { result, outcome: this.served(outcome, result.model, result.computeMs) };
    } catch (err) {
      const error = classifyError(err);
      const alternative = this.alternative(decision, error, options.signal);
      if (alternative === null) throw error;
      outcome.fallback = alternative.fallback;
      outcome.servedBy = alternative.target;
      const result = await alternative.backend.generate({ ...options, model: alternative.model });
      return { result, outcome: this.served(outcome, result.model, result.computeMs) };
    }
  }

  /** Parts of the answer; `outcome` is final once the first part has been read. */
  stream(decision: Decision, options: CallOptions): { parts: AsyncGenerator<StreamPart>; outcome: Outcome } {
    const outcome: Outcome = { servedBy: decision.target, model: decision.model, fallback: null, computeMs: null };
    const self = this;
    async function* run(): AsyncGenerator<StreamPart> {
      let iterator: AsyncIterator<StreamPart>;
      let first: IteratorResult<StreamPart>;
      try {
        iterator = self.backend(decision.target).stream({ ...options, model: decision.model })[Symbol.asyncIterator]();
        first = await iterator.next();
        if (!first.done && first.value.type === 'error') throw first.value.error;
      } catch (err) {
        const error = classifyError(err);
        const alternative = self.alternative(decision, error, options.signal);
        if (alternative === null) throw error;
        outcome.fallback = alternative.fallback;
        outcome.servedBy = alternative.target;
        outcome.model = alternative.model;
        iterator = alternative.backend.stream({ ...options, model: alternative.model })[Symbol.asyncIterator]();
        first = await iterator.next();
      }
      for (let step = first; !step.done; step = await iterator.next()) {
        const part = step.value;
        if (part.type === 'finish') self.served(outcome, part.model, part.computeMs);
        yield part;
      }
    }
    return { parts: run(), outcome };
  }

  private served(outcome: Outcome, model: string, computeMs: number | undefined): Outcome {
    outcome.model = model;
    if (computeMs !== undefined) outcome.computeMs = computeMs;
    return outcome;
  }

  backend(target: Target): Backend {
    const backend = this.backends[target];
    if (backend === null) {
      throw new SwitchyardError('unavailable', target === 'cloud' ? 'No upstream is configured (set SWITCHYARD_UPSTREAM_URL)' : 'No local model is configured', {
        status: 503,
        code: `${target}_unavailable`,
      });
    }
    return backend;
  }

  private alternative(
    decision: Decision,
    error: SwitchyardError,
    signal: AbortSignal,
  ): { target: Target; model: string; backend: Backend; fallback: Fallback } | null {
    if (!decision.allowFallback || !error.isRetryable || signal.aborted) return null;
    const target = other(decision.target);
    const backend = this.backends[target];
    if (backend === null) return null;
    const health = backend.health();
    if (health.state !== 'ready') return null;
    const model = health.models[0] ?? target;
    return {
      target,
      model,
      backend,
      fallback: { cause: fallbackCause(decision.target, error), from: decision.target, to: target, continued: false, detail: error.message },
    };
  }
}
