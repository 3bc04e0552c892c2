import type { RequestHandler } from 'express';

/**
 * CORS is off unless origins are listed: with an empty list no CORS header is ever sent, so browsers on
 * other origins cannot read responses. Listed origins (exact match, or `*`) get the headers and preflights.
 */
export function createCorsMiddleware(allowedOrigins: string[]): RequestHandler {
  const allowAll = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (allowedOrigins.length === 0 || typeof origin !== 'string' || !(allowAll || allowed.has(origin))) {
      next();
      return;
    }
    res.setHeader('access-control-allow-origin', allowAll ? '*' : origin);
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-api-key, x-switchyard-tags, x-switchyard-fallback');
      res.setHeader('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
