import type { UpstreamConfig } from './backends/upstream/upstream-backend.js';

type Env = Record<string, string | undefined>;

function positiveNumber(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${key} must be a positive number, got "${raw}"`);
  return value;
}

/** Budget for an upstream's response headers (and whole non-stream answers), in ms. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;
/** A stream silent this long is treated as broken, in ms. */
export const DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS = 30_000;

/**
 * The upstream from `SWITCHYARD_UPSTREAM_URL` / `SWITCHYARD_UPSTREAM_KEY`, falling back to `OPENAI_BASE_URL` /
 * `OPENAI_API_KEY`. Null when neither a URL nor a key is set: the router then serves locally only.
 */
export function upstreamFromEnv(env: Env = process.env): UpstreamConfig | null {
  const baseURL = env['SWITCHYARD_UPSTREAM_URL'] || env['OPENAI_BASE_URL'];
  const apiKey = env['SWITCHYARD_UPSTREAM_KEY'] || env['OPENAI_API_KEY'];
  if (!baseURL && !apiKey) return null;
  return {
    baseURL: baseURL || 'https://api.openai.com/v1',
    // Many self-hosted OpenAI-compatible servers need no key; the SDK still wants a string.
    apiKey: apiKey || 'none',
    model: env['SWITCHYARD_UPSTREAM_MODEL'] || 'gpt-4o-mini',
    timeoutMs: positiveNumber(env, 'SWITCHYARD_UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS),
    streamIdleTimeoutMs: positiveNumber(env, 'SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS', DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS),
  };
}

export function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\//.test(value);
}

/** `SWITCHYARD_REDIS_URL`: where the replicas of one site share their state; null runs this process alone. */
export function redisUrlFromEnv(env: Env = process.env): string | null {
  const url = env['SWITCHYARD_REDIS_URL'];
  if (url === undefined || url === '') return null;
  if (!isRedisUrl(url)) throw new Error(`SWITCHYARD_REDIS_URL must be a redis:// or rediss:// URL, got "${url}"`);
  return url;
}

/** How the replicas pace their shared state; every field has a default where it is used. */
export interface ReplicaTimings {
  /** A breaker another replica opened keeps this one from trying for this long, then lets one trial through, in ms. */
  breakerOpenMs?: number;
  /** A deferred job held this long by a replica that stopped renewing its claim (it died) is taken over, in ms. */
  claimIdleMs?: number;
  /** How often each replica looks for deferred work in the shared queue, in ms. */
  pollMs?: number;
}

/** `SWITCHYARD_SHARED_BREAKER_OPEN_MS`, `SWITCHYARD_DEFERRED_CLAIM_MS`, `SWITCHYARD_DEFERRED_POLL_MS`. */
export function replicaTimingsFromEnv(env: Env = process.env): ReplicaTimings {
  const read = (key: string): number | undefined => (env[key] === undefined || env[key] === '' ? undefined : positiveNumber(env, key, 0));
  const breakerOpenMs = read('SWITCHYARD_SHARED_BREAKER_OPEN_MS');
  const claimIdleMs = read('SWITCHYARD_DEFERRED_CLAIM_MS');
  const pollMs = read('SWITCHYARD_DEFERRED_POLL_MS');
  return {
    ...(breakerOpenMs === undefined ? {} : { breakerOpenMs }),
    ...(claimIdleMs === undefined ? {} : { claimIdleMs }),
    ...(pollMs === undefined ? {} : { pollMs }),
  };
}
