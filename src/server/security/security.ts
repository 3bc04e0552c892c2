import type { Server } from 'node:http';
import express from 'express';
import type { RequestHandler } from 'express';
import { Redactor, SecretList } from '../../observability/redact.js';
import { KeyRing } from './api-keys.js';
import { createAuthMiddleware } from './auth.js';
import { createCorsMiddleware } from './cors.js';
import { createErrorScrubber } from './error-scrubber.js';
import { createJsonDepthGuard } from './json-depth-guard.js';
import { createRateLimitMiddleware } from './rate-limit.js';
import type { SecurityConfig } from './security-config.js';
import type { SharedState } from '../../state/shared-state.js';
import { applyServerTimeouts } from './timeouts.js';

export interface Security {
  /**
   * error scrubber → CORS → auth → rate limit → JSON body parser (size limit → 413, bad JSON → 400 via the app's error
   * handler) → depth guard. Mount before every route except /healthz. Unauthenticated bodies are never
   * read; a later `express.json()` sees the body already consumed and does nothing.
   */
  before: RequestHandler[];
  /** For `express.json({ limit })`. */
  bodyLimit: string;
  /** Values the logger must scrub: the client keys and `deps.secrets`. */
  secrets: string[];
  applyTimeouts(server: Server): void;
}

export interface SecurityDeps {
  /**
   * Other values that must never reach a client or a log: pass the upstream API key here. A SecretList is used as
   * it is (the client keys are added to it), so values added to it later are scrubbed too.
   */
  secrets?: string[] | SecretList;
  now?: () => number;
  /** The replicas' shared state: rate limits then hold across all of them. */
  state?: SharedState;
}

/** The whole security layer from one config value; each piece is also exported for finer wiring. */
export function createSecurity(config: SecurityConfig, deps: SecurityDeps = {}): Security {
  const keys = new KeyRing(config.apiKeys);
  const list = deps.secrets instanceof SecretList ? deps.secrets : new SecretList(deps.secrets ?? []);
  list.add(config.apiKeys);
  const now = deps.now ?? Date.now;
  return {
    before: [
      createErrorScrubber(new Redactor(list)),
      createCorsMiddleware(config.corsOrigins),
      createAuthMiddleware({ keys }),
      createRateLimitMiddleware({ ratePerMinute: config.rateLimit.requestsPerMinute, burst: config.rateLimit.burst, now, ...(deps.state === undefined ? {} : { state: deps.state }) }),
      express.json({ limit: config.bodyLimit }),
      createJsonDepthGuard(config.maxJsonDepth),
    ],
    bodyLimit: config.bodyLimit,
    secrets: [...list.all],
    applyTimeouts: (server) => applyServerTimeouts(server, config.timeouts),
  };
}
