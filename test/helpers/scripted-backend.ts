import type { Backend, BackendHealth, CallOptions, GenerateResult, StreamPart } from '../../src/backends/backend.js';
import type { Decision, Target } from '../../src/routing/decision.js';

/** What a scripted backend does on its next call: answer, throw, or stream these parts (a thrown part throws). */
export type Step = { answer: string; confidence?: number } | { fail: unknown } | { parts: Array<StreamPart | { throw: unknown }> };

/**
 * A Backend that follows a script, one step per call (the last step repeats), and records every call.
 * For unit tests of dispatch and the pipeline: no sockets, no model.
 */
export class ScriptedBackend implements Backend {
  readonly calls: CallOptions[] = [];
  state: BackendHealth['state'] = 'ready';

  constructor(
    readonly target: Target,
    readonly model: string,
    private readonly steps: Step[],
  ) {}

  async generate(options: CallOptions): Promise<GenerateResult> {
    const step = this.next(options);
    if ('fail' in step) throw step.fail;
    if ('parts' in step) throw new Error('scripted a stream for generate()');
    return {
      content: step.answer,
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 2 },
      model: options.model,
      warnings: [],
      ...(this.target === 'local' ? { computeMs: 7 } : {}),
      ...(step.confidence === undefined ? {} : { confidence: step.confidence }),
    };
  }

  async *stream(options: CallOptions): AsyncGenerator<StreamPart> {
    const step = this.next(options);
    if ('fail' in step) throw step.fail;
    if ('answer' in step) {
      yield { type: 'text-delta', text: step.answer };
      yield finish(options.model, step.confidence);
      return;
    }
    for (const part of step.parts) {
      if ('throw' in part) throw part.throw;
      yield part;
    }
  }

  health(): BackendHealth {
    return { state: this.state, models: [this.model] };
  }

  async close(): Promise<void> {}

  private next(options: CallOptions): Step {
    this.calls.push(options);
    const step = this.steps[Math.min(this.calls.length - 1, this.steps.length - 1)];
    if (step === undefined) throw new Error('no scripted step');
    return step;
  }
}

export function finish(model: string, confidence?: number): StreamPart {
  return {
    type: 'finish',
    finishReason: 'stop',
    usage: { promptTokens: 3, completionTokens: 2 },
    model,
    warnings: [],
    ...(confidence === undefined ? {} : { confidence }),
  };
}

/** A decision for `target`, with fallback allowed unless overridden. */
export function decisionFor(target: Target, overrides: Partial<Decision> = {}): Decision {
  return {
    target,
    model: target === 'local' ? 'tiny' : 'big',
    rule: 'test',
    reasons: [],
    score: 0.5,
    task: null,
    language: null,
    allowFallback: true,
    cascade: false,
    maxTokensCap: null,
    signals: null,
    ...overrides,
  };
}

/** A node-style socket error, as fetch wraps it. */
export function refused(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
}

/** An openai-SDK-style HTTP error. */
export function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${status} status code`), { status, headers: new Headers(headers) });
}
