import type { Response } from 'express';

/**
 * Sends an OpenAI-shaped error with the exact type/code OpenAI itself uses for these cases, so SDKs
 * raise the right exception class (AuthenticationError, RateLimitError, …).
 */
export function sendOpenAIError(res: Response, status: number, message: string, type: string, code: string | null): void {
  res.status(status).json({ error: { message, type, param: null, code } });
}
