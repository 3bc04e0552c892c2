import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { classifyError, SwitchyardError } from '../backends/errors.js';

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The one OpenAI error body. `type` follows the status unless OpenAI itself uses another for the case (e.g. a bad key). */
export function errorBody(status: number, message: string, param: string | null = null, code: string | null = null, type = errorType(status)): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** Sends a SwitchyardError (or anything, classified) as an OpenAI error with the right status and Retry-After. */
export function sendError(res: Response, err: unknown): void {
  const error = classifyError(err);
  // 499 is nginx's "client closed request": nobody is listening, but keep the status honest in logs.
  const status = error.status;
  if (error.retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  const message = status >= 500 && error.kind === 'internal' ? 'The server had an error while processing your request.' : error.message;
  res.status(status).json(errorBody(status, message, error.param ?? null, error.code ?? null));
}

/** A zod failure as OpenAI reports bad parameters: the first issue, its path as `param`. */
export function validationError(issues: z.core.$ZodIssue[]): SwitchyardError {
  const issue = issues[0];
  if (issue === undefined) return new SwitchyardError('invalid-request', 'Invalid request body', { code: 'invalid_request' });
  const param = issue.path.length === 0 ? null : formatPath(issue.path);
  const where = param === null ? 'request body' : `'${param}'`;
  const code = issue.code === 'invalid_type' ? 'invalid_type' : issue.code === 'invalid_value' ? 'invalid_value' : 'invalid_request';
  return new SwitchyardError('invalid-request', `Invalid value for ${where}: ${issue.message}`, {
    code,
    ...(param === null ? {} : { param }),
  });
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(404, `Unknown request URL: ${req.method} ${req.path}`, null, 'unknown_url'));
};

/** Last express error handler: body-parser failures and anything thrown become OpenAI errors, never HTML. */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (e?.type === 'entity.too.large') {
    res.status(413).json(errorBody(413, 'Request body too large', null, 'request_too_large'));
    return;
  }
  if (e?.type === 'entity.parse.failed') {
    res.status(400).json(errorBody(400, 'We could not parse the JSON body of your request. The body must be valid JSON.', null, 'invalid_json'));
    return;
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    res.status(e.status).json(errorBody(e.status, typeof e.message === 'string' ? e.message : 'Bad request', null, null));
    return;
  }
  sendError(res, err);
};
