import type { RequestHandler } from 'express';
import { sendOpenAIError } from './error-body.js';

/**
 * Rejects parsed JSON bodies nested deeper than `maxDepth` with a 400. JSON.parse itself copes with deep
 * nesting, but everything after it (validation, JSON.stringify for the upstream) recurses and would throw
 * RangeError → 500. Mount right after the JSON body parser. The walk is iterative: it cannot overflow.
 */
export function createJsonDepthGuard(maxDepth = 64): RequestHandler {
  return (req, res, next) => {
    if (depthExceeds(req.body as unknown, maxDepth)) {
      sendOpenAIError(res, 400, `The JSON body is nested deeper than ${maxDepth} levels.`, 'invalid_request_error', 'invalid_json');
      return;
    }
    next();
  };
}

export function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
