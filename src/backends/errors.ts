import { APIConnectionTimeoutError } from 'openai';
import { upstreamErrorFields } from './upstream-error-body.js';

/**
 * Typed errors for everything that can go wrong between a request and an answer.
 * Fallback and retry switch on `kind` / `isRetryable`, never on message strings.
 * `classifyError` is the one place that turns an unknown thrown value into one of these.
 */
export type ErrorKind =
  | 'connection' // refused, reset, DNS failure: the peer was not reachable or dropped the socket
  | 'timeout' // no answer (or no first byte) within the budget
  | 'aborted' // the client went away or cancelled
  | 'upstream-status' // the upstream answered with an HTTP error status
  | 'invalid-request' // the request itself is wrong; retrying elsewhere will not help
  | 'context-length' // the prompt plus max_tokens does not fit the model's window
  | 'queue-full' // the local model's queue is full
  | 'unavailable' // the backend is not configured, not loaded or failed to load
  | 'internal';

export interface SwitchyardErrorOptions {
  status?: number;
  code?: string;
  param?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class SwitchyardError extends Error {
  override readonly name: string = 'SwitchyardError';
  /** HTTP status to answer the client with when this error ends the request. */
  readonly status: number;
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** How long the client should wait before trying again, in ms (→ `Retry-After`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: SwitchyardErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? defaultStatus(kind);
    this.code = options.code;
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether the same call may succeed if tried again (possibly on the other backend). */
  get isRetryable(): boolean {
    switch (this.kind) {
      case 'connection':
      case 'timeout':
      case 'queue-full':
      case 'unavailable':
        return true;
      case 'upstream-status':
        return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
      default:
        return false;
    }
  }
}

function defaultStatus(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid-request':
    case 'context-length':
      return 400;
    case 'aborted':
      return 499;
    case 'queue-full':
      return 429;
    case 'timeout':
      return 504;
    case 'connection':
      return 502;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Turns anything thrown (node errors, openai SDK errors, DOM aborts) into a SwitchyardError. */
export function classifyError(err: unknown): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  const e = err as { name?: unknown; code?: unknown; status?: unknown; message?: unknown; cause?: unknown; headers?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'AbortError' || name === 'APIUserAbortError') {
    return new SwitchyardError('aborted', 'The request was aborted', { cause: err });
  }
  // The SDK's timeout error keeps the name `Error`: its class is the only reliable mark.
  if (err instanceof APIConnectionTimeoutError || name === 'APIConnectionTimeoutError' || name === 'TimeoutError') {
    return new SwitchyardError('timeout', message, { cause: err });
  }
  if (typeof e?.status === 'number' && e.status >= 400) {
    const retryAfterMs = retryAfterFromHeaders(e.headers);
    const upstream = upstreamErrorFields(err);
    return new SwitchyardError('upstream-status', upstream.message ?? message, {
      status: e.status,
      cause: err,
      ...(upstream.code === undefined ? {} : { code: upstream.code }),
      ...(upstream.param === undefined ? {} : { param: upstream.param }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const code = findCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return new SwitchyardError('timeout', message, { cause: err, code });
  if (code !== undefined && CONNECTION_CODES.has(code)) return new SwitchyardError('connection', message, { cause: err, code });
  if (name === 'APIConnectionError') return new SwitchyardError('connection', message, { cause: err });
  return new SwitchyardError('internal', message, { cause: err });
}

/** Walks the `cause` chain for a node error code (fetch wraps socket errors one or two levels deep). */
function findCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, from a Headers object or a plain record. */
export function retryAfterFromHeaders(headers: unknown): number | undefined {
  const get = (key: string): string | null | undefined => {
    if (headers === null || typeof headers !== 'object') return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(key);
    const value = (headers as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && get('retry-after-ms')) return ms;
  const raw = get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
