import { z } from 'zod';
import { parseApiKeys } from './api-keys.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';

const intFromEnv = z.coerce.number().int().positive();

/** Everything the security layer needs, from env (`SWITCHYARD_*`) or a config object; zod is the source of truth. */
export const SecurityConfigSchema = z.object({
  /** Client API keys; empty = auth off (a single-user device). */
  apiKeys: z.array(z.string().min(8, 'API keys must be at least 8 characters')).default([]),
  rateLimit: z
    .object({
      /** Sustained requests per minute per key (or per address when keys are off). */
      requestsPerMinute: z.number().positive().default(600),
      /** Requests a client may send at once before the sustained rate applies. */
      burst: z.number().int().positive().default(60),
    })
    .default({ requestsPerMinute: 600, burst: 60 }),
  /** Largest JSON body, in express/bytes syntax. */
  bodyLimit: z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb)?$/i).default('4mb'),
  /** Nesting depth past which a JSON body is rejected with 400. */
  maxJsonDepth: z.number().int().positive().default(64),
  timeouts: z
    .object({
      headersTimeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUTS.headersTimeoutMs),
      requestTimeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUTS.requestTimeoutMs),
      keepAliveTimeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUTS.keepAliveTimeoutMs),
    })
    // Node rejects a headers timeout longer than the whole-request timeout.
    .refine((t) => t.headersTimeoutMs <= t.requestTimeoutMs, { message: 'headersTimeoutMs must be <= requestTimeoutMs' })
    .default(DEFAULT_TIMEOUTS),
  /** Origins allowed to call from a browser; empty = CORS off. */
  corsOrigins: z.array(z.string()).default([]),
});

export type SecurityConfig = z.infer<typeof SecurityConfigSchema>;

/**
 * Env → config: SWITCHYARD_API_KEYS (comma-separated), SWITCHYARD_RATE_LIMIT_RPM, SWITCHYARD_RATE_LIMIT_BURST,
 * SWITCHYARD_BODY_LIMIT, SWITCHYARD_HEADERS_TIMEOUT_MS, SWITCHYARD_REQUEST_TIMEOUT_MS, SWITCHYARD_CORS_ORIGINS.
 * `base` (e.g. from a config file) is overridden by env values that are set.
 */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env, base: Partial<z.input<typeof SecurityConfigSchema>> = {}): SecurityConfig {
  const read = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const num = (name: string): number | undefined => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    const parsed = intFromEnv.safeParse(raw);
    if (!parsed.success) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return parsed.data;
  };
  const keys = read('SWITCHYARD_API_KEYS');
  const rpm = num('SWITCHYARD_RATE_LIMIT_RPM');
  const burst = num('SWITCHYARD_RATE_LIMIT_BURST');
  const headersTimeoutMs = num('SWITCHYARD_HEADERS_TIMEOUT_MS');
  const requestTimeoutMs = num('SWITCHYARD_REQUEST_TIMEOUT_MS');
  const cors = read('SWITCHYARD_CORS_ORIGINS');
  const bodyLimit = read('SWITCHYARD_BODY_LIMIT');
  const input = {
    ...base,
    ...(keys === undefined ? {} : { apiKeys: parseApiKeys(keys) }),
    rateLimit: { ...base.rateLimit, ...(rpm === undefined ? {} : { requestsPerMinute: rpm }), ...(burst === undefined ? {} : { burst }) },
    timeouts: {
      ...base.timeouts,
      ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
      ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    },
    ...(cors === undefined ? {} : { corsOrigins: cors.split(',').map((o) => o.trim()).filter((o) => o !== '') }),
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  };
  const result = SecurityConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`Invalid security config: ${z.prettifyError(result.error)}`);
  return result.data;
}
