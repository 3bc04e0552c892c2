import type { Server } from 'node:http';
import express from 'express';
import type { RequestHandler } from 'express';
import { KeyRing } from './api-keys.js';
import { createAuthMiddleware } from './auth.js';
import { createCorsMiddleware } from './cors.js';
import { createJsonDepthGuard } from './json-depth-guard.js';
import { createRateLimitMiddleware } from './rate-limit.js';
import type { SecurityConfig } from './security-config.js';
import { applyServerTimeouts } from './timeouts.js';

export interface Security {
  /**
   * CORS → auth → rate limit → JSON body parser (size limit → 413, bad JSON → 400 via the app's error
   * handler) → depth guard. Mount before every route except /healthz. Unauthenticated bodies are never
   * read; a later `express.json()` sees the body already consumed and does nothing.
   */
  before: RequestHandler[];
  /** For `express.json({ limit })`. */
  bodyLimit: string;
  /** Values the logger must scrub (the client keys themselves). */
  secrets: string[];
  applyTimeouts(server: Server): void;
}

/** The whole security layer from one config value; each piece is also exported for finer wiring. */
export function createSecurity(config: SecurityConfig, now: () => number = Date.now): Security {
  const keys = new KeyRing(config.apiKeys);
  return {
    before: [
      createCorsMiddleware(config.corsOrigins),
      createAuthMiddleware({ keys }),
      createRateLimitMiddleware({ ratePerMinute: config.rateLimit.requestsPerMinute, burst: config.rateLimit.burst, now }),
      express.json({ limit: config.bodyLimit }),
      createJsonDepthGuard(config.maxJsonDepth),
    ],
    bodyLimit: config.bodyLimit,
    secrets: [...config.apiKeys],
    applyTimeouts: (server) => applyServerTimeouts(server, config.timeouts),
  };
}
