import type { Backend, CallOptions, GenerateResult, StreamPart } from '../backends/backend.js';
import { classifyError, SwitchyardError } from '../backends/errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Decision, Fallback, Target } from './decision.js';
import { retryDelayMs } from './retry-delay.js';

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

export interface DispatchOptions {
  breaker?: CircuitBreaker | null;
  /** Same-side retries before giving up on a side. */
  maxRetries?: number;
  /** A retry that would wait longer than this goes to the other side instead, in ms. */
  maxRetryWaitMs?: number;
  /** Retry-After given to clients when the upstream is down and nothing else may answer, in ms. */
  unavailableRetryAfterMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Cascade: a local answer whose confidence is below this goes to the cloud instead. */
  cascadeMinConfidence?: number;
}

const other = (target: Target): Target => (target === 'local' ? 'cloud' : 'local');

/** Machine-readable fallback cause, e.g. `upstream-connection`, `upstream-503`, `local-queue-full`, `breaker-open`. */
export function fallbackCause(from: Target, error: SwitchyardError): string {
  if (error.code === 'breaker_open') return 'breaker-open';
  const side = from === 'cloud' ? 'upstream' : 'local';
  return error.kind === 'upstream-status' ? `${side}-${error.status}` : `${side}-${error.kind}`;
}

/** Upstream failures that say the upstream (not the request) is broken: they count toward the breaker. */
function isOutage(error: SwitchyardError): boolean {
  return error.kind === 'connection' || error.kind === 'timeout' || (error.kind === 'upstream-status' && error.status >= 500);
}

/** Failures another backend may fix: outages, rate limits, a full or missing local model, a prompt too long. */
function canMove(error: SwitchyardError): boolean {
  return error.isRetryable || error.kind === 'context-length';
}

interface Started<T> {
  value: T;
  target: Target;
}

/**
 * The one retry loop. Sends a decided request to its side; on a failure before any output it retries the same
 * side only when the server asked for a short wait (Retry-After ≤ maxRetryWaitMs), otherwise moves to the other
 * side when the decision allows it. An open breaker skips the upstream at no cost. After output has started,
 * only a broken upstream stream is mended, by continuing the same answer on the local model.
 */
export class Dispatcher {
  private readonly breaker: CircuitBreaker | null;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly backends: Backends,
    private readonly options: DispatchOptions = {},
  ) {
    this.breaker = options.breaker ?? null;
    this.maxRetries = options.maxRetries ?? 1;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 1_000;
    this.sleep = options.sleep ?? abortableSleep;
  }

  async generate(decision: Decision, options: CallOptions): Promise<{ result: GenerateResult; outcome: Outcome }> {
    const outcome = initialOutcome(decision);
    const call = decision.cascade ? { ...options, wantConfidence: true } : options;
    const { value: result } = await this.start(decision, call, outcome, (backend, c) => backend.generate(c));
    settle(outcome, result.model, result.computeMs);
    const escalation = this.escalation(decision, outcome, result.confidence, options.signal);
    if (escalation === null) return { result, outcome };
    const escalated = await this.attempt('cloud', () => escalation.backend.generate({ ...options, model: escalation.model })).catch(() => null);
    if (escalated === null) return { result, outcome }; // the cloud is not answering: the local answer is better than none
    this.escalate(decision, outcome, escalation.model, result.confidence!);
    return { result: escalated, outcome };
  }

  /** Parts of the answer; `outcome` is final once the first part has been read (or, after a continuation, at finish). */
  stream(decision: Decision, options: CallOptions): { parts: AsyncGenerator<StreamPart>; outcome: Outcome } {
    const outcome = initialOutcome(decision);
    const parts = decision.cascade && decision.target === 'local' ? this.cascadeParts(decision, options, outcome) : this.streamParts(decision, options, outcome);
    return { parts, outcome };
  }

  /**
   * A cascade cannot take back streamed text, so the local answer is held until it is judged: confident, it is
   * sent as it was produced; not confident, the cloud's answer is streamed instead.
   */
  private async *cascadeParts(decision: Decision, options: CallOptions, outcome: Outcome): AsyncGenerator<StreamPart> {
    const held: StreamPart[] = [];
    for await (const part of this.streamParts(decision, { ...options, wantConfidence: true }, outcome)) held.push(part);
    const finish = held.at(-1);
    const confidence = finish?.type === 'finish' ? finish.confidence : undefined;
    const escalation = this.escalation(decision, outcome, confidence, options.signal);
    if (escalation === null) return yield* held;
    const opened = await this.attempt('cloud', async () => {
      const iterator = escalation.backend.stream({ ...options, model: escalation.model })[Symbol.asyncIterator]();
      return { iterator, first: await iterator.next() };
    }).catch(() => null);
    if (opened === null) return yield* held; // the cloud is not answering: the local answer is better than none
    this.escalate(decision, outcome, escalation.model, confidence!);
    for (let step = opened.first; !step.done; step = await nextPart(opened.iterator)) yield step.value;
  }

  private escalation(decision: Decision, outcome: Outcome, confidence: number | undefined, signal: AbortSignal): { backend: Backend; model: string } | null {
    const threshold = this.cascadeThreshold(decision);
    if (!decision.cascade || outcome.servedBy !== 'local' || confidence === undefined || confidence >= threshold || signal.aborted) return null;
    return this.ready('cloud');
  }

  /** The rule's threshold when it states one, else the router's. */
  private cascadeThreshold(decision: Decision): number {
    return decision.cascadeMinConfidence ?? this.options.cascadeMinConfidence ?? 0.5;
  }

  private escalate(decision: Decision, outcome: Outcome, model: string, confidence: number): void {
    outcome.fallback = {
      cause: 'low-confidence',
      from: 'local',
      to: 'cloud',
      continued: false,
      detail: `local answer confidence ${confidence.toFixed(2)} below ${this.cascadeThreshold(decision).toFixed(2)}`,
    };
    outcome.servedBy = 'cloud';
    outcome.model = model;
    // computeMs stays: the local attempt's energy was spent all the same.
  }

  private async *streamParts(decision: Decision, options: CallOptions, outcome: Outcome): AsyncGenerator<StreamPart> {
    const { value: opened } = await this.start(decision, options, outcome, async (backend, call) => {
      const iterator = backend.stream(call)[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (!first.done && first.value.type === 'error') throw first.value.error;
      return { iterator, first };
    });
    let text = '';
    let usedTools = false;
    for (let step = opened.first; !step.done; step = await nextPart(opened.iterator)) {
      const part = step.value;
      if (part.type === 'error' && outcome.servedBy === 'cloud') {
        if (isOutage(part.error)) this.breaker?.recordFailure(fallbackCause('cloud', part.error), part.error.message);
        const local = usedTools ? null : this.continuation(decision, part.error, options.signal);
        if (local !== null) {
          outcome.fallback = { cause: fallbackCause('cloud', part.error), from: 'cloud', to: 'local', continued: true, detail: part.error.message };
          outcome.servedBy = 'local';
          outcome.model = local.model;
          yield* this.finishing(local.backend.stream({ ...options, model: local.model, assistantPrefix: text }), outcome);
          return;
        }
      }
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'tool-call-delta') usedTools = true;
      if (part.type === 'finish') settle(outcome, part.model, part.computeMs);
      yield part;
    }
  }

  private async *finishing(parts: AsyncIterable<StreamPart>, outcome: Outcome): AsyncGenerator<StreamPart> {
    try {
      for await (const part of parts) {
        if (part.type === 'finish') settle(outcome, part.model, part.computeMs);
        yield part;
      }
    } catch (err) {
      yield { type: 'error', error: classifyError(err) };
    }
  }

  /** Opens the request on the decided side, retrying and falling back as described on the class. */
  private async start<T>(
    decision: Decision,
    options: CallOptions,
    outcome: Outcome,
    open: (backend: Backend, call: CallOptions) => Promise<T>,
  ): Promise<Started<T>> {
    let target = decision.target;
    let model = decision.model;
    let retries = 0;
    for (;;) {
      try {
        const value = await this.attempt(target, () => open(this.backend(target), { ...options, model }));
        return { value, target };
      } catch (err) {
        const error = classifyError(err);
        if (options.signal.aborted || error.kind === 'aborted') throw error;
        const wait = error.retryAfterMs;
        if (retries < this.maxRetries && error.isRetryable && error.kind === 'upstream-status' && wait !== undefined && wait <= this.maxRetryWaitMs) {
          retries++;
          await this.sleep(retryDelayMs(error, retries - 1, this.options.random), options.signal);
          continue;
        }
        const alternative = outcome.fallback === null && decision.allowFallback && canMove(error) ? this.ready(other(target)) : null;
        if (alternative === null) throw this.finalError(target, error);
        outcome.fallback = { cause: fallbackCause(target, error), from: target, to: alternative.target, continued: false, detail: error.message };
        outcome.servedBy = target = alternative.target;
        outcome.model = model = alternative.model;
        retries = 0;
      }
    }
  }

  /** One call on one side, gated by and reported to the breaker when that side is the upstream. */
  private async attempt<T>(target: Target, call: () => Promise<T>): Promise<T> {
    if (target !== 'cloud' || this.breaker === null) return call();
    if (!this.breaker.tryAcquire()) {
      throw new SwitchyardError('unavailable', 'The upstream is unreachable (circuit open); not attempted', { status: 503, code: 'breaker_open' });
    }
    try {
      const value = await call();
      this.breaker.recordSuccess();
      return value;
    } catch (err) {
      const error = classifyError(err);
      if (isOutage(error)) this.breaker.recordFailure(fallbackCause('cloud', error), error.message);
      else this.breaker.release();
      throw error;
    }
  }

  /** When nothing else may answer: an unreachable upstream is a clear 503 with Retry-After. */
  private finalError(target: Target, error: SwitchyardError): SwitchyardError {
    if (target !== 'cloud' || !(isOutage(error) || error.code === 'breaker_open')) return error;
    return new SwitchyardError('unavailable', `The upstream is unavailable and no fallback is allowed: ${error.message}`, {
      status: 503,
      code: 'upstream_unavailable',
      retryAfterMs: this.options.unavailableRetryAfterMs ?? 5_000,
      cause: error,
    });
  }

  private continuation(decision: Decision, error: SwitchyardError, signal: AbortSignal): { backend: Backend; model: string } | null {
    if (!decision.allowFallback || signal.aborted || !isOutage(error)) return null;
    return this.ready('local');
  }

  private ready(target: Target): { target: Target; backend: Backend; model: string } | null {
    const backend = this.backends[target];
    if (backend === null) return null;
    const health = backend.health();
    if (health.state !== 'ready') return null;
    if (target === 'cloud' && this.breaker?.state === 'open') return null;
    return { target, backend, model: health.models[0] ?? target };
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
}

function initialOutcome(decision: Decision): Outcome {
  return { servedBy: decision.target, model: decision.model, fallback: null, computeMs: null };
}

function settle(outcome: Outcome, model: string, computeMs: number | undefined): void {
  outcome.model = model;
  if (computeMs !== undefined) outcome.computeMs = computeMs;
}

/** The next part, with a thrown error turned into an error part. */
async function nextPart(iterator: AsyncIterator<StreamPart>): Promise<IteratorResult<StreamPart>> {
  try {
    return await iterator.next();
  } catch (err) {
    return { done: false, value: { type: 'error', error: classifyError(err) } };
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
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
