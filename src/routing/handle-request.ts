import type { CallOptions, GenerateResult, StreamPart, Usage } from '../backends/backend.js';
import { classifyError, SwitchyardError } from '../backends/errors.js';
import type { RecordWithContent } from '../observability/decision-line.js';
import type { Decision, Served } from './decision.js';
import type { DeferredJob } from './deferred/deferred-queue.js';
import type { DeferredStore } from './deferred/deferred-store.js';
import { replayDecision } from './deferred/replay-decision.js';
import type { Dispatched, Dispatcher } from './dispatch/dispatcher.js';
import type { RequestObserver } from './request-record.js';
import type { RouteDecider } from './route-decider.js';
import type { RouteRequest } from './route-request.js';
import type { Targets } from './targets.js';

/** One chat request as the pipeline takes it, whatever the wire it came in on. */
export interface ChatTurn {
  /** The completion's `id`, also the record's: a log line can be matched to the answer the client got. */
  id: string;
  /** When the request arrived: ms since the epoch, and `performance.now()` for durations. */
  startedAt: number;
  t0: number;
  route: RouteRequest;
  /** The call for whichever backend answers (the model is dispatch's to fill). */
  call: Omit<CallOptions, 'model'>;
  stream: boolean;
  /** `x-switchyard-defer`: the body to keep and run later if the upstream is out of reach now; null otherwise. */
  deferrable: Record<string, unknown> | null;
  /** A deferred job running now that the upstream is back: it goes to the upstream, decided by `replayDecision`. */
  replay: boolean;
  /** The id (not the secret) of the client API key, when keys are configured. */
  apiKeyId: string | null;
  /** Attach the messages and the answer's text to the record (content logging, off by default). */
  captureContent: boolean;
}

/** Where the pipeline's answer goes: the HTTP route writes JSON or SSE; a deferred job keeps the body. */
export interface Responder {
  /** The request was stored for later; the client gets the job. */
  deferred(job: DeferredJob, decision: Decision): void;
  /** A whole answer (non-streamed). */
  answer(result: GenerateResult, decision: Decision, served: Served): void;
  /** The next part of a streamed answer (never an error: those go to `fail`). */
  part(part: Exclude<StreamPart, { type: 'error' }>, decision: Decision, served: Served): void;
  /** The request failed; `started` says whether part of a streamed answer was already sent. */
  fail(error: SwitchyardError, decision: Decision, served: Served, started: boolean): void;
}

export interface PipelineDeps {
  decider: Pick<RouteDecider, 'decide'>;
  dispatcher: Dispatcher;
  targets: Targets;
  /** Store-and-forward; null without an upstream. */
  deferred: { queue: DeferredStore; upstreamReachable: () => boolean } | null;
  observers: readonly RequestObserver[];
}

/** What happened so far, for the record. */
interface Progress {
  served: Served | null;
  error: SwitchyardError | null;
  started: boolean;
  ttftMs: number | null;
  usage: Usage;
  output: string[] | null;
}

/**
 * The request path, one step per line of `handle`: decide where it goes, keep it for later if it asked to
 * and the upstream is out of reach, cap its tokens, dispatch it, and record what happened. Every request ends
 * in exactly one record, also when it failed; the record is returned.
 */
export class RequestPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(turn: ChatTurn, responder: Responder): Promise<RecordWithContent> {
    const decision = turn.replay ? replayDecision(turn.route.requestedModel, this.deps.targets.defaultModel('cloud')) : await this.deps.decider.decide(turn.route);
    const progress: Progress = {
      served: null,
      error: null,
      started: false,
      ttftMs: null,
      usage: NO_USAGE,
      output: turn.captureContent ? [] : null,
    };
    const call = capTokens(turn.call, decision.maxTokensCap);
    try {
      const job = await this.deferIfAsked(turn, decision);
      if (job !== null) {
        responder.deferred(job, decision);
        return this.record(turn, decision, progress, 202);
      }
      const kept = await this.keepIfLinkFails(turn, decision, call, responder, progress);
      if (kept !== null) {
        responder.deferred(kept, decision);
        return this.record(turn, decision, progress, 202);
      }
      if (progress.served !== null) return this.record(turn, decision, progress, progress.error === null ? 200 : progress.error.status);
      if (turn.stream) await this.streamed(turn, decision, call, responder, progress);
      else await this.whole(decision, call, responder, progress);
    } catch (err) {
      // A responder that threw (a socket gone mid-write), a journal that could not keep the request: the request
      // still ends in a record.
      progress.error = classifyError(err);
      responder.fail(progress.error, decision, progress.served ?? initialServed(decision), progress.started);
    }
    return this.record(turn, decision, progress, progress.error !== null && !progress.started ? progress.error.status : 200);
  }

  /**
   * A deferred job is replayed to the cloud, so neither a privacy decision (local, no fallback) nor a request pinned
   * to the device is ever deferred: those are answered here, as they asked.
   */
  private async deferIfAsked(turn: ChatTurn, decision: Decision): Promise<DeferredJob | null> {
    const deferred = this.deps.deferred;
    if (turn.deferrable === null || deferred === null || deferred.upstreamReachable()) return null;
    if (!decision.allowFallback && decision.target !== 'cloud') return null;
    if (decision.target === 'local' && decision.rule.startsWith('pinned:')) return null;
    return keep(deferred.queue, turn.deferrable, turn.route.tags);
  }

  /**
   * The request that finds the link down: Switchyard still believed the upstream reachable, so it was not kept at
   * once. A deferrable request bound for the cloud is dispatched as usual, except that a refused connection or a
   * timeout does not fall back: the request is kept for later like the ones after it, not answered locally. Any
   * other outcome (an answer, a 5xx that falls back, a 4xx) is answered here, in the one upstream call: the cloud
   * used to be asked a second time when its first answer was an error.
   */
  private async keepIfLinkFails(turn: ChatTurn, decision: Decision, call: ChatTurn['call'], responder: Responder, progress: Progress): Promise<DeferredJob | null> {
    const deferred = this.deps.deferred;
    if (turn.deferrable === null || deferred === null || turn.stream || decision.target !== 'cloud') return null;
    const dispatched = await this.deps.dispatcher.generate(decision, call, { holdOnLinkFailure: true });
    if (!dispatched.ok) {
      // Without fallback an outage comes back as `unavailable`, the upstream's own error as its cause.
      const error = dispatched.error.cause instanceof SwitchyardError ? dispatched.error.cause : dispatched.error;
      if (error.kind === 'connection' || error.kind === 'timeout') return keep(deferred.queue, turn.deferrable, turn.route.tags);
    }
    this.settle(dispatched, decision, responder, progress);
    return null;
  }

  private async whole(decision: Decision, call: ChatTurn['call'], responder: Responder, progress: Progress): Promise<void> {
    this.settle(await this.deps.dispatcher.generate(decision, call), decision, responder, progress);
  }

  /** A dispatched whole request, answered or failed to the client and into its progress. */
  private settle(dispatched: Dispatched, decision: Decision, responder: Responder, progress: Progress): void {
    progress.served = dispatched.served;
    if (!dispatched.ok) {
      progress.error = dispatched.error;
      responder.fail(dispatched.error, decision, dispatched.served, false);
      return;
    }
    progress.usage = dispatched.result.usage;
    progress.output?.push(dispatched.result.content);
    responder.answer(dispatched.result, decision, dispatched.served);
  }

  private async streamed(turn: ChatTurn, decision: Decision, call: ChatTurn['call'], responder: Responder, progress: Progress): Promise<void> {
    for await (const { part, served } of this.deps.dispatcher.stream(decision, call)) {
      progress.served = served;
      if (part.type === 'error') {
        progress.error = part.error;
        responder.fail(part.error, decision, served, progress.started);
        return;
      }
      if (part.type === 'text-delta') {
        progress.ttftMs ??= performance.now() - turn.t0;
        progress.output?.push(part.text);
      } else if (part.type === 'tool-call-delta' || part.type === 'extra-delta') {
        progress.ttftMs ??= performance.now() - turn.t0;
      } else {
        progress.usage = part.usage;
      }
      responder.part(part, decision, served);
      progress.started = true;
    }
  }

  private record(turn: ChatTurn, decision: Decision, progress: Progress, status: number): RecordWithContent {
    const served = progress.served;
    const failedBeforeOutput = progress.error !== null && progress.ttftMs === null;
    const answered = served !== null && !failedBeforeOutput;
    const record: RecordWithContent = {
      id: turn.id,
      startedAt: turn.startedAt,
      endpoint: 'chat',
      requestedModel: turn.route.requestedModel,
      stream: turn.stream,
      decision,
      fallback: served?.fallback ?? null,
      servedBy: answered ? served.target : null,
      servedModel: answered ? served.model : null,
      status,
      errorKind: progress.error?.kind ?? null,
      latencyMs: performance.now() - turn.t0,
      ttftMs: progress.ttftMs,
      usage: progress.usage,
      localComputeMs: served?.computeMs ?? null,
      apiKeyId: turn.apiKeyId,
    };
    if (progress.output !== null) {
      record.content = {
        messages: turn.route.messages.map((m) => ({ role: m.role, content: m.content })),
        output: progress.output.length === 0 ? null : progress.output.join(''),
      };
    }
    for (const observer of this.deps.observers) observer.onRequest(record);
    return record;
  }
}

/** Keeps a request for later; a store that fails (a full disk, Redis gone) is a 503 that says so. */
async function keep(queue: DeferredStore, body: Record<string, unknown>, tags: string[]): Promise<DeferredJob> {
  try {
    return await queue.enqueue(body, tags);
  } catch (err) {
    throw new SwitchyardError('unavailable', `The upstream is out of reach and the request could not be kept for later: ${classifyError(err).message}`, {
      status: 503,
      code: 'defer_failed',
      cause: err,
    });
  }
}

const NO_USAGE: Usage = { promptTokens: undefined, completionTokens: undefined };

/** Who would serve a decision before dispatch says otherwise. */
function initialServed(decision: Decision): Served {
  return { target: decision.target, model: decision.model, fallback: null, computeMs: null };
}

/**
 * The rule's token cap, applied over the client's own `max_tokens` when it set one; otherwise a ceiling, which a
 * long prompt may undercut (a local model then stops at its window instead of refusing the prompt).
 */
function capTokens(call: ChatTurn['call'], cap: number | null): ChatTurn['call'] {
  if (cap === null) return call;
  if (call.maxTokens === undefined) return { ...call, maxTokensCap: cap };
  return { ...call, maxTokens: Math.min(call.maxTokens, cap) };
}
