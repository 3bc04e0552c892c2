import type { Request, RequestHandler, Response } from 'express';
import type { KeyRing } from './api-keys.js';
import { sendOpenAIError } from './error-body.js';

export interface AuthOptions {
  keys: KeyRing;
  /** Paths served without a key (exact match). Default: `/healthz` only. */
  publicPaths?: string[];
}

/**
 * Client API key check for every route except the public ones. Accepts `Authorization: Bearer <key>`,
 * `x-api-key: <key>`, and HTTP Basic with the key as password (so a browser can open /dashboard and its
 * EventSource stream, which cannot set headers). On success `res.locals.apiKeyId` holds the key's id.
 * With no keys configured it lets everything through (single-user device).
 */
export function createAuthMiddleware(options: AuthOptions): RequestHandler {
  const publicPaths = new Set(options.publicPaths ?? ['/healthz']);
  return (req, res, next) => {
    if (!options.keys.enabled || publicPaths.has(req.path)) {
      next();
      return;
    }
    const candidate = presentedKey(req);
    const id = candidate === null ? null : options.keys.lookup(candidate);
    if (id !== null) {
      res.locals.apiKeyId = id;
      next();
      return;
    }
    // Only the dashboard asks the browser to prompt; API clients get OpenAI's plain 401.
    if (req.path === '/dashboard' || req.path.startsWith('/dashboard/')) {
      res.setHeader('www-authenticate', 'Basic realm="Switchyard dashboard", charset="UTF-8"');
    }
    const message =
      candidate === null
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : 'Incorrect API key provided. Check the key configured in SWITCHYARD_API_KEYS.';
    sendOpenAIError(res, 401, message, 'invalid_request_error', 'invalid_api_key');
  };
}

/** The key id set by the auth middleware, or null when keys are not configured. */
export function apiKeyIdOf(res: Response): string | null {
  const id: unknown = res.locals.apiKeyId;
  return typeof id === 'string' ? id : null;
}

function presentedKey(req: Request): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const [scheme, value] = splitOnce(header.trim(), ' ');
    if (scheme.toLowerCase() === 'bearer' && value !== '') return value.trim();
    if (scheme.toLowerCase() === 'basic' && value !== '') {
      const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
      const password = splitOnce(decoded, ':')[1];
      if (password !== '') return password;
    }
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return null;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
