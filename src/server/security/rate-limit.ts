import type { RequestHandler, Response } from 'express';
import type { SharedState } from '../../state/shared-state.js';
import { apiKeyIdOf } from './auth.js';
import { sendOpenAIError } from './error-body.js';
import { TokenBuckets } from './token-bucket.js';
import type { TokenBucketOptions } from './token-bucket.js';

export interface RateLimitOptions extends TokenBucketOptions {
  /** Path prefixes never limited. Default: `/healthz`, `/metrics`, `/dashboard` (monitoring must not be starved by, or starve, API traffic). */
  exemptPrefixes?: string[];
  /** The replicas' shared buckets (Redis): the limit then holds across all of them. Absent: this process's own. */
  state?: SharedState;
}

/**
 * 429 with `Retry-After` (whole seconds) once a client's bucket is empty. Clients are identified by their
 * API key id (mount after the auth middleware), or by remote address when keys are off. Without keys,
 * loopback clients (the device's own apps on a single-user device) are not limited.
 */
export function createRateLimitMiddleware(options: RateLimitOptions): RequestHandler {
  const buckets = new TokenBuckets(options);
  const limit = { ratePerMinute: options.ratePerMinute, burst: options.burst };
  const shared = options.state;
  const answer = (res: Response, waitMs: number, next: () => void): void => {
    if (waitMs === 0) {
      next();
      return;
    }
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
    sendOpenAIError(
      res,
      429,
      `Rate limit reached for requests: limit ${options.ratePerMinute} per minute (burst ${options.burst}). Please try again in ${Math.ceil(waitMs / 1000)}s.`,
      'requests',
      'rate_limit_exceeded',
    );
  };
  const exempt = options.exemptPrefixes ?? ['/healthz', '/metrics', '/dashboard'];
  return (req, res, next) => {
    if (exempt.some((prefix) => req.path === prefix || req.path.startsWith(prefix + '/'))) {
      next();
      return;
    }
    const keyId = apiKeyIdOf(res);
    const address = req.socket.remoteAddress ?? 'unknown';
    if (keyId === null && isLoopback(address)) {
      next();
      return;
    }
    const client = keyId ?? `addr:${address}`;
    if (shared === undefined) answer(res, buckets.take(client), next);
    // takeToken never rejects: without Redis it answers from this replica's own buckets.
    else void shared.takeToken(client, limit).then((waitMs) => answer(res, waitMs, next), next);
  };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
