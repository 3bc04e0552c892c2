/** The fields of an upstream's OpenAI-shaped `{ error: { message, code, param } }` body that a client needs. */
export interface UpstreamErrorFields {
  message?: string;
  code?: string;
  param?: string;
}

/**
 * What the upstream said, as it said it: the openai SDK's APIError keeps the body's `error` object, while its
 * own `message` adds the status ("404 The model … does not exist"). Empty when the body was not OpenAI-shaped.
 */
export function upstreamErrorFields(err: unknown): UpstreamErrorFields {
  const body = (err as { error?: unknown } | null)?.error;
  if (body === null || typeof body !== 'object') return {};
  const { message, code, param } = body as Record<string, unknown>;
  return {
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof param === 'string' ? { param } : {}),
  };
}
