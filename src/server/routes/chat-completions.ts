import type { Request, RequestHandler, Response } from 'express';
import type { CallOptions, Usage } from '../../backends/backend.js';
import { classifyError, type SwitchyardError } from '../../backends/errors.js';
import type { Decision } from '../../routing/decision.js';
import type { Outcome } from '../../routing/dispatch.js';
import type { RecordWithContent } from '../../observability/decision-line.js';
import type { Router } from '../../routing/router.js';
import { ChatRequestSchema, toCallOptions, toChatMessage, type ChatRequest } from '../chat-request.js';
import { completionBody } from '../completion-body.js';
import { completionId } from '../ids.js';
import { errorBody, sendError, validationError } from '../openai-error.js';
import { toRouteRequest } from '../request-context.js';
import { SseWriter } from '../sse-writer.js';
import type { DeferredQueue } from '../../routing/deferred/deferred-queue.js';
import { deferredBody, wantsDefer } from './deferred.js';
import { switchyardHeaders, switchyardInfo } from '../switchyard-info.js';

/** What one request did, filled in as it goes and handed to observers at the end. */
interface Trace {
  /** The completion's `id`, also the record's: a log line can be matched to the answer the client got. */
  id: string;
  startedAt: number;
  t0: number;
  ttftMs: number | null;
  usage: Usage;
  error: SwitchyardError | null;
  /** The answer's text as sent, collected only when content is captured for the decision log. */
  output: string[] | null;
}

export interface ChatRouteOptions {
  /** Store-and-forward for `x-switchyard-defer: 1` requests while the upstream is out of reach. */
  deferred?: { queue: DeferredQueue; cloudReachable: () => boolean } | undefined;
  /** Scrubs secrets from error text written into a stream (JSON error bodies are scrubbed by middleware). */
  scrub?: (text: string) => string;
  /**
   * Attach the request's messages and the answer's text to the record, for a decision log that was
   * explicitly told to log content (SWITCHYARD_LOG_CONTENT=1). Off by default: records carry no content.
   */
  captureContent?: boolean;
}

/** POST /v1/chat/completions: validate, decide, dispatch, answer (JSON or SSE), record. */
export function chatCompletions(router: Router, routeOptions: ChatRouteOptions = {}): RequestHandler {
  return async (req, res) => {
    const parsed = ChatRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, validationError(parsed.error.issues));
      return;
    }
    const request = parsed.data;
    const trace: Trace = {
      id: completionId(), startedAt: Date.now(), t0: performance.now(), ttftMs: null,
      usage: { promptTokens: undefined, completionTokens: undefined }, error: null,
      output: routeOptions.captureContent === true ? [] : null,
    };
    // A closed client connection cancels the work behind it (upstream request or local generation).
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });

    const routeRequest = toRouteRequest(request, req.headers);
    const decision = await router.decide(routeRequest);
    const deferred = routeOptions.deferred;
    // A privacy decision (local, no fallback) is never deferred to the cloud.
    if (deferred && wantsDefer(req.headers['x-switchyard-defer']) && !deferred.cloudReachable() && (decision.allowFallback || decision.target === 'cloud')) {
      const job = deferred.queue.accept(request, routeRequest.tags);
      res.status(202).location(`/v1/deferred/${job.id}`).json(deferredBody(job));
      const nothingYet: Outcome = { servedBy: decision.target, model: decision.model, fallback: null, computeMs: null };
      router.record({ ...recordOf(request, decision, nothingYet, res, trace), servedBy: null, servedModel: null });
      return;
    }
    const options = toCallOptions(request, decision.model, controller.signal);
    if (decision.maxTokensCap !== null) options.maxTokens = Math.min(options.maxTokens ?? Infinity, decision.maxTokensCap);
    let outcome: Outcome = { servedBy: decision.target, model: decision.model, fallback: null, computeMs: null };
    try {
      outcome = request.stream
        ? await streamed(router, req, res, request, decision, options, trace, routeOptions.scrub)
        : await whole(router, res, decision, options, trace);
    } catch (err) {
      trace.error = classifyError(err);
      if (!res.headersSent) {
        for (const [key, value] of Object.entries(switchyardHeaders(decision, outcome))) res.setHeader(key, value);
        sendError(res, trace.error);
      } else if (!res.writableEnded) {
        // A stream already under way: end it with an error event the SDKs raise, never a silent end.
        const message = routeOptions.scrub?.(trace.error.message) ?? trace.error.message;
        res.end(`data: ${JSON.stringify(errorBody(trace.error.status, message, null, trace.error.code ?? trace.error.kind))}\n\n`);
      }
    } finally {
      router.record(recordOf(request, decision, outcome, res, trace));
    }
  };
}

async function whole(router: Router, res: Response, decision: Decision, options: CallOptions, trace: Trace): Promise<Outcome> {
  const { result, outcome } = await router.dispatcher.generate(decision, options);
  trace.usage = result.usage;
  trace.output?.push(result.content);
  res.set(switchyardHeaders(decision, outcome)).json(completionBody(trace.id, nowSeconds(), result, switchyardInfo(decision, outcome)));
  return outcome;
}

async function streamed(
  router: Router,
  req: Request,
  res: Response,
  request: ChatRequest,
  decision: Decision,
  options: CallOptions,
  trace: Trace,
  scrub?: (text: string) => string,
): Promise<Outcome> {
  const { parts, outcome } = router.dispatcher.stream(decision, options);
  const writer = new SseWriter(res, trace.id, nowSeconds(), decision.model, request.stream_options?.include_usage === true, scrub);
  // Headers wait for the first part, so a fallback before any output is still announced in them.
  let started = false;
  for await (const part of parts) {
    if (!started) {
      writer.start(switchyardHeaders(decision, outcome));
      started = true;
      req.socket.setNoDelay(true);
    }
    if (part.type === 'text-delta') {
      trace.ttftMs ??= performance.now() - trace.t0;
      writer.text(part.text);
      trace.output?.push(part.text);
    } else if (part.type === 'tool-call-delta') {
      trace.ttftMs ??= performance.now() - trace.t0;
      writer.toolCall(part.delta);
    } else if (part.type === 'finish') {
      trace.usage = part.usage;
      writer.finish(part.finishReason, part.usage, switchyardInfo(decision, outcome));
    } else {
      trace.error = part.error;
      writer.error(part.error, switchyardInfo(decision, outcome));
    }
  }
  return outcome;
}

function recordOf(request: ChatRequest, decision: Decision, outcome: Outcome, res: Response, trace: Trace): RecordWithContent {
  const failedBeforeOutput = trace.error !== null && trace.ttftMs === null;
  const record: RecordWithContent = {
    id: trace.id,
    startedAt: trace.startedAt,
    endpoint: 'chat',
    requestedModel: request.model,
    stream: request.stream === true,
    decision,
    fallback: outcome.fallback,
    servedBy: failedBeforeOutput ? null : outcome.servedBy,
    servedModel: failedBeforeOutput ? null : outcome.model,
    status: trace.error !== null && !res.headersSent ? trace.error.status : res.statusCode,
    errorKind: trace.error?.kind ?? null,
    latencyMs: performance.now() - trace.t0,
    ttftMs: trace.ttftMs,
    usage: trace.usage,
    localComputeMs: outcome.computeMs,
    apiKeyId: typeof res.locals['apiKeyId'] === 'string' ? res.locals['apiKeyId'] : null,
  };
  if (trace.output !== null) {
    record.content = {
      messages: request.messages.map((m) => ({ role: m.role, content: toChatMessage(m).content })),
      output: trace.output.length === 0 ? null : trace.output.join(''),
    };
  }
  return record;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
