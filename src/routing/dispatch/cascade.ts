import type { CallOptions, GenerateResult, StreamPart } from '../../backends/backend.js';
import { classifyError } from '../../backends/errors.js';
import { type Decision, escalationTarget, type Served } from '../decision.js';
import { renderCause } from '../fallback-cause.js';
import type { ReadyTarget, Targets } from '../targets.js';
import { type DispatchedPart, nextPart } from './served.js';
import type { UpstreamGate } from './upstream-gate.js';

/** The confidence below which a cascade escalates when neither the rule nor the operator set one (0..1). */
const DEFAULT_MIN_CONFIDENCE = 0.5;

/**
 * Cascade: answer on the device, judge the answer's confidence, and escalate when it is low: to the cloud, or
 * to the site's pool the rule names (`escalateTo: edge`).
 * A streamed cascade holds the local answer until it is judged (streamed text cannot be taken back). When the
 * escalation fails, the local answer is kept, and says so in its warnings.
 */
export class Cascade {
  constructor(
    private readonly targets: Targets,
    private readonly gate: UpstreamGate,
    /** The operator's threshold (SWITCHYARD_CASCADE_MIN_CONFIDENCE); a rule's own wins. */
    private readonly minConfidence = DEFAULT_MIN_CONFIDENCE,
  ) {}

  async generate(
    decision: Decision,
    local: { result: GenerateResult; served: Served },
    options: Omit<CallOptions, 'model'>,
  ): Promise<{ result: GenerateResult; served: Served }> {
    const confidence = local.result.confidence;
    const to = this.escalation(decision, local.served, confidence, options.signal);
    if (to === null || confidence === undefined) return local;
    try {
      const result = await this.gate.call(to.target, () => to.backend.generate({ ...options, model: to.model }));
      return { result, served: this.escalated(decision, local.served, to, confidence) };
    } catch (err) {
      return {
        result: { ...local.result, warnings: [...local.result.warnings, escalationFailed(to.target, err)] },
        served: local.served,
      };
    }
  }

  async *stream(decision: Decision, localParts: AsyncIterable<DispatchedPart>, options: Omit<CallOptions, 'model'>): AsyncGenerator<DispatchedPart> {
    const held: DispatchedPart[] = [];
    for await (const item of localParts) held.push(item);
    const last = held.at(-1);
    const confidence = last?.part.type === 'finish' ? last.part.confidence : undefined;
    const to = last === undefined ? null : this.escalation(decision, last.served, confidence, options.signal);
    if (last === undefined || to === null || confidence === undefined) return yield* held;
    let opened: { iterator: AsyncIterator<StreamPart>; first: IteratorResult<StreamPart> };
    try {
      opened = await this.gate.call(to.target, async () => {
        const iterator = to.backend.stream({ ...options, model: to.model })[Symbol.asyncIterator]();
        return { iterator, first: await iterator.next() };
      });
    } catch (err) {
      const finish = last.part.type === 'finish' ? { ...last.part, warnings: [...last.part.warnings, escalationFailed(to.target, err)] } : last.part;
      return yield* [...held.slice(0, -1), { part: finish, served: last.served }];
    }
    const served = this.escalated(decision, last.served, to, confidence);
    try {
      for (let step = opened.first; !step.done; step = await nextPart(opened.iterator)) {
        if (step.value.type === 'error') this.gate.reportBrokenStream(to.target, step.value.error);
        yield { part: step.value, served };
      }
    } finally {
      // Nobody reads on (after an error part, or the client left): the cloud stream cleans up too.
      await opened.iterator.return?.();
    }
  }

  /** The threshold for this decision: the rule's when it states one, else the operator's. */
  threshold(decision: Decision): number {
    return decision.cascadeMinConfidence ?? this.minConfidence;
  }

  /** Where a local answer of this confidence escalates to, or null to keep it. */
  private escalation(decision: Decision, served: Served, confidence: number | undefined, signal: AbortSignal): ReadyTarget | null {
    if (!decision.cascade || served.target !== 'local' || confidence === undefined || confidence >= this.threshold(decision) || signal.aborted) return null;
    return this.targets.ready(decision.cascadeTo ?? 'cloud');
  }

  private escalated(decision: Decision, local: Served, to: ReadyTarget, confidence: number): Served {
    return {
      target: to.target,
      model: to.model,
      fallback: {
        cause: renderCause({ target: local.target, kind: 'low-confidence', status: null }),
        from: local.target,
        to: to.target,
        continued: false,
        detail: `local answer confidence ${confidence.toFixed(2)} below ${this.threshold(decision).toFixed(2)}`,
      },
      // The local attempt's energy was spent all the same.
      computeMs: local.computeMs,
    };
  }
}

function escalationFailed(target: string, err: unknown): string {
  const error = classifyError(err);
  return `the cascade could not escalate to ${escalationTarget(target)} (${error.kind}: ${error.message}); this is the local answer`;
}
