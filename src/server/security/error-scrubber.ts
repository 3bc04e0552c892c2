import type { RequestHandler } from 'express';
import type { Redactor } from '../../observability/redact.js';

/**
 * Last line of defence for error bodies: any JSON answer with status ≥ 400 is scrubbed of known secrets
 * (the upstream key, client keys) and personal data before it leaves. Upstreams sometimes echo the key
 * they were sent ("Incorrect API key provided: sk-…"), and that text travels inside error messages.
 */
export function createErrorScrubber(redactor: Redactor): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(res.statusCode >= 400 ? redactor.value(body) : body);
    next();
  };
}
