import type { Response } from 'express';
import type { Served } from '../routing/decision.js';
import type { Responder } from '../routing/handle-request.js';
import { completionBody } from './completion-body.js';
import { deferredBody } from './routes/deferred.js';
import { sendError } from './openai-error.js';
import { SseWriter } from './sse-writer.js';
import { switchyardHeaders, switchyardInfo } from './switchyard-info.js';

/** Answers with one JSON body (or an OpenAI error); the `x-switchyard-*` headers say who served. */
export function jsonResponder(res: Response, id: string): Responder {
  return {
    deferred: (job) => void res.status(202).location(`/v1/deferred/${job.id}`).json(deferredBody(job)),
    // Written directly rather than through res.json: a 200 answer needs none of express's content negotiation.
    answer: (result, decision, served) => {
      const text = JSON.stringify(completionBody(id, nowSeconds(), result, switchyardInfo(decision, served)));
      res.writeHead(200, {
        ...switchyardHeaders(decision, served),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
    part: () => {
      throw new Error('a non-streamed request produced a stream part');
    },
    fail: (error, decision, served) => {
      if (res.headersSent) return;
      res.set(switchyardHeaders(decision, served));
      sendError(res, error);
    },
  };
}

/**
 * Answers with server-sent events. Headers wait for the first part, so a fallback before any output is still
 * announced in them; a failure before that is a plain OpenAI error with a status, after it an error event.
 */
export function sseResponder(res: Response, id: string, includeUsage: boolean, scrub?: (text: string) => string): Responder {
  let writer: SseWriter | null = null;
  // Chunks name who answers (a fallback before any output already moved it), as the headers do.
  const open = (served: Served): SseWriter => new SseWriter(res, id, nowSeconds(), served.model, includeUsage, scrub);
  const json = jsonResponder(res, id);
  return {
    deferred: json.deferred,
    answer: json.answer,
    part: (part, decision, served) => {
      if (writer === null) {
        writer = open(served);
        writer.start(switchyardHeaders(decision, served));
        res.socket?.setNoDelay(true);
      }
      if (part.type === 'text-delta') writer.text(part.text, part.logprobs);
      else if (part.type === 'tool-call-delta') writer.toolCall(part.delta);
      else if (part.type === 'extra-delta') writer.extra(part.delta);
      else writer.finish(part.finishReason, part.usage, switchyardInfo(decision, served));
    },
    fail: (error, decision, served, started) => {
      if (!started || writer === null) return json.fail(error, decision, served, false);
      if (!res.writableEnded) writer.error(error, switchyardInfo(decision, served));
    },
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
