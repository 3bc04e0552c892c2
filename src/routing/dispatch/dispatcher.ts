import type { Backend, CallOptions, GenerateResult, StreamPart } from '../../backends/backend.js';
import type { SwitchyardError } from '../../backends/errors.js';
import type { Decision, Served } from '../decision.js';
import type { Targets } from '../targets.js';
import { Cascade } from './cascade.js';
import { continuationTarget, continueOn, SentSoFar } from './continuation.js';
import { type DispatchedPart, nextPart, settled } from './served.js';
import { abortableSleep, openWithFallback, type DispatchHow, type Sleep, type SwitchDeps } from './switch-target.js';
import type { UpstreamGate } from './upstream-gate.js';

export interface DispatcherOptions {
  /** Cascade rules escalate local answers whose confidence is below this (0..1); a rule's own threshold wins. */
  cascadeMinConfidence?: number;
  /** Waits out a short Retry-After; tests pass a fake clock's. */
  sleep?: Sleep;
}

/** A whole answer and who gave it, or the final error and who was tried last. */
export type Dispatched = { ok: true; result: GenerateResult; served: Served } | { ok: false; error: SwitchyardError; served: Served };

interface OpenedStream {
  iterator: AsyncIterator<StreamPart>;
  first: IteratorResult<StreamPart>;
}

/**
 * Sends a decided request to its target and returns who answered. Before any output a failure switches
 * targets (switch-target.ts) through the upstream gate (upstream-gate.ts); a cascade judges the local answer
 * (cascade.ts); after output has started, only a broken upstream stream is mended, by continuing the same
 * answer on the device (continuation.ts). Streams end with a `finish` or an `error` part; they never throw.
 */
export class Dispatcher {
  private readonly deps: SwitchDeps;
  private readonly cascade: Cascade;

  constructor(
    private readonly targets: Targets,
    private readonly gate: UpstreamGate,
    options: DispatcherOptions = {},
  ) {
    this.deps = { targets, gate, sleep: options.sleep ?? abortableSleep };
    this.cascade = new Cascade(targets, gate, options.cascadeMinConfidence);
  }

  async generate(decision: Decision, options: Omit<CallOptions, 'model'>, how: DispatchHow = {}): Promise<Dispatched> {
    const call = decision.cascade ? { ...options, wantConfidence: true } : options;
    const opened = await openWithFallback(decision, call, this.deps, (backend, c) => backend.generate(c), how);
    if (!opened.ok) return opened;
    const local = { result: opened.value, served: settled(opened.served, opened.value.model, opened.value.computeMs) };
    return { ok: true, ...(decision.cascade ? await this.cascade.generate(decision, local, options) : local) };
  }

  stream(decision: Decision, options: Omit<CallOptions, 'model'>): AsyncGenerator<DispatchedPart> {
    if (!decision.cascade || decision.target !== 'local') return this.streamParts(decision, options);
    return this.cascade.stream(decision, this.streamParts(decision, { ...options, wantConfidence: true }), options);
  }

  private async *streamParts(decision: Decision, options: Omit<CallOptions, 'model'>): AsyncGenerator<DispatchedPart> {
    const opened = await openWithFallback(decision, options, this.deps, openStream);
    let served = opened.served;
    if (!opened.ok) {
      yield { part: { type: 'error', error: opened.error }, served };
      return;
    }
    const sent = new SentSoFar();
    const { iterator, first } = opened.value;
    try {
      for (let step = first; !step.done; step = await nextPart(iterator)) {
        const part = step.value;
        if (part.type === 'error') {
          this.gate.reportBrokenStream(served.target, part.error);
          const on = continuationTarget(decision, served, part.error, sent, options.signal, this.targets);
          if (on !== null) {
            await iterator.return?.();
            return yield* continueOn(on, options, sent, served, part.error);
          }
        } else if (part.type === 'finish') {
          served = settled(served, part.model, part.computeMs);
        } else {
          sent.note(part);
        }
        yield { part, served };
      }
    } finally {
      // The backend's stream ends here too when nobody reads on (after an error part, or the client left):
      // its own cleanup runs (a pool endpoint's in-flight count, the idle watchdog, the upstream socket).
      await iterator.return?.();
    }
  }
}

/** Opens a stream and reads its first part, so a failure before any output can still switch targets. */
async function openStream(backend: Backend, call: CallOptions): Promise<OpenedStream> {
  const iterator = backend.stream(call)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (!first.done && first.value.type === 'error') {
    // Finish the backend's stream first: its cleanup (abort listener, timers) runs when it is returned.
    await iterator.return?.();
    throw first.value.error;
  }
  return { iterator, first };
}
