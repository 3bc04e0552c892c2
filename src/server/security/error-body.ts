import type { Response } from 'express';
import { errorBody } from '../openai-error.js';

/**
 * Sends an OpenAI-shaped error with the exact type/code OpenAI itself uses for these cases, so SDKs
 * raise the right exception class (AuthenticationError, RateLimitError, …).
 */
export function sendOpenAIError(res: Response, status: number, message: string, type: string, code: string | null): void {
  res.status(status).json(errorBody(status, message, null, code, type));
}
