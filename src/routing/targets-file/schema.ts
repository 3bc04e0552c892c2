import { z } from 'zod';

/**
 * The single source of truth for targets files (`switchyard serve --targets FILE`): named pools of
 * OpenAI-compatible endpoints (a site's inference servers, the cloud) and the order a failed target falls through.
 */

/** A target name as policies and clients use it (`route: edge`, `model: "edge"`, `x-switchyard-target`). */
export const TargetNameSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lowercase name like edge or site-a');

export const EndpointSchema = z.strictObject({
  /** The OpenAI-compatible base URL, e.g. `http://gpu-1.site.internal:8000/v1`. */
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  /** The environment variable holding this endpoint's API key; none = the server needs no key. */
  keyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
});

export const BalanceSchema = z.enum(['least-busy', 'round-robin']);

export const TargetSchema = z.strictObject({
  /** The pool's servers; each has its own health (breaker + probe). */
  endpoints: z.array(EndpointSchema).min(1),
  /** The model id sent to the pool when a request does not name one. */
  model: z.string().min(1),
  /** `least-busy` (default): the endpoint with the fewest requests in flight; `round-robin`: each in turn. */
  balance: BalanceSchema.optional(),
});

export const TargetsFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  targets: z.record(TargetNameSchema, TargetSchema),
  /** The order a failed or refused target falls through, walked as a ring (e.g. `[local, edge, cloud]`). */
  fallback: z.array(TargetNameSchema).min(1).optional(),
});

export type Balance = z.infer<typeof BalanceSchema>;
export type TargetsFile = z.infer<typeof TargetsFileSchema>;
