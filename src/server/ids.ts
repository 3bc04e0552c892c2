import { randomBytes } from 'node:crypto';

// A per-process random prefix plus a counter: unique like a random id, without a CSPRNG call per request.
const prefix = randomBytes(6).toString('base64url');
let counter = 0;

/** `chatcmpl-…` ids for completions. */
export function completionId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `chatcmpl-${prefix}${counter.toString(36)}`;
}
