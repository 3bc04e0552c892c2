import type { RequestHandler } from 'express';
import { SwitchyardError } from '../../backends/errors.js';
import type { RequestPipeline } from '../../routing/handle-request.js';
import { ChatRequestSchema } from '../chat-request.js';
import { jsonResponder, sseResponder } from '../http-responders.js';
import { sendError, validationError } from '../openai-error.js';
import { toChatTurn } from '../request-context.js';
import { wantsDefer } from './deferred.js';

export interface ChatRouteOptions {
  /** Scrubs secrets from error text written into a stream (JSON error bodies are scrubbed by middleware). */
  scrub?: (text: string) => string;
  /**
   * Attach the request's messages and the answer's text to the record, for a decision log that was
   * explicitly told to log content (SWITCHYARD_LOG_CONTENT=1). Off by default: records carry no content.
   */
  captureContent?: boolean;
}

/** POST /v1/chat/completions: validate, hand the request to the pipeline, answer in JSON or SSE. */
export function chatCompletions(pipeline: RequestPipeline, options: ChatRouteOptions = {}): RequestHandler {
  const captureContent = options.captureContent === true;
  return async (req, res) => {
    const parsed = ChatRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, validationError(parsed.error.issues));
      return;
    }
    const request = parsed.data;
    const defer = wantsDefer(req.headers['x-switchyard-defer']);
    if (defer && request.stream === true) {
      // A 202 with a job id is JSON: a streaming client would read it as an empty stream and never learn the id.
      sendError(res, new SwitchyardError('invalid-request', 'x-switchyard-defer needs a non-streamed request (stream: false): a deferred answer is fetched later from GET /v1/deferred/{id}', { code: 'invalid_request', param: 'stream' }));
      return;
    }
    // A closed client connection cancels the work behind it (upstream request or local generation).
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const apiKeyId = res.locals['apiKeyId'];
    const turn = toChatTurn(request, req.headers, {
      signal: controller.signal,
      defer,
      replay: false,
      apiKeyId: typeof apiKeyId === 'string' ? apiKeyId : null,
      captureContent,
    });
    const responder = turn.stream ? sseResponder(res, turn.id, request.stream_options?.include_usage === true, options.scrub) : jsonResponder(res, turn.id);
    await pipeline.handle(turn, responder);
  };
}
